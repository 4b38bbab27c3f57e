package cz.zoom.screenrec.protocol;

import java.util.List;

/**
 * Client → server, first message on a connection.
 *
 * @param hostIndex position of this server in the client's host list (0 = primary); null from
 *     clients that do not say
 * @param pendingRecordings ended recordings whose segments still wait in the spool
 * @param agentToken the agent's token from the contact centre's desktop back end, where the server
 *     asks for one ({@code --agent-auth token}); null otherwise
 */
public record Hello(
    int protocolVersion,
    String agent,
    String machine,
    String clientVersion,
    List<Screen> screens,
    ActiveRecording activeRecording,
    long clientTime,
    Integer hostIndex,
    List<PendingRecording> pendingRecordings,
    String agentToken)
    implements ControlMessage {

  /**
   * Pending recordings one HELLO may list: a HELLO with this many, and every other field at its
   * bound, still fits one frame (ControlCodecTest proves it).
   */
  public static final int MAX_PENDING_RECORDINGS = 100;

  public Hello {
    screens = screens == null ? List.of() : List.copyOf(screens);
    pendingRecordings = pendingRecordings == null ? List.of() : List.copyOf(pendingRecordings);
  }

  /** A HELLO without an agent token. */
  public Hello(
      int protocolVersion,
      String agent,
      String machine,
      String clientVersion,
      List<Screen> screens,
      ActiveRecording activeRecording,
      long clientTime,
      Integer hostIndex,
      List<PendingRecording> pendingRecordings) {
    this(
        protocolVersion,
        agent,
        machine,
        clientVersion,
        screens,
        activeRecording,
        clientTime,
        hostIndex,
        pendingRecordings,
        null);
  }

  /** A HELLO from a client with nothing in progress and nothing pending. */
  public Hello(
      int protocolVersion,
      String agent,
      String machine,
      String clientVersion,
      List<Screen> screens,
      ActiveRecording activeRecording,
      long clientTime) {
    this(
        protocolVersion,
        agent,
        machine,
        clientVersion,
        screens,
        activeRecording,
        clientTime,
        null,
        List.of());
  }

  @Override
  public void validate() {
    if (protocolVersion != Limits.PROTOCOL_VERSION) {
      throw new ProtocolException(
          ErrorCode.UNSUPPORTED_VERSION,
          "this server speaks protocol version "
              + Limits.PROTOCOL_VERSION
              + ", not "
              + protocolVersion);
    }
    if (agent == null || !Limits.NAME.matcher(agent).matches()) {
      throw new ProtocolException(
          ErrorCode.INVALID_AGENT,
          "agent must be 1-128 characters of letters, digits and . _ @ : -, not only dots");
    }
    Limits.requireText("machine", machine, false);
    Limits.requireText("clientVersion", clientVersion, false);
    Limits.requireText("agentToken", agentToken, false);
    Limits.requireRange("screens", screens.size(), 0, Limits.MAX_SCREENS);
    screens.forEach(Screen::validate);
    if (activeRecording != null) {
      activeRecording.validate();
    }
    if (hostIndex != null) {
      Limits.requireRange("hostIndex", hostIndex, 0, 63);
    }
    Limits.requireRange("pendingRecordings", pendingRecordings.size(), 0, MAX_PENDING_RECORDINGS);
    for (PendingRecording p : pendingRecordings) {
      if (p == null) {
        throw new ProtocolException(ErrorCode.BAD_MESSAGE, "pendingRecordings must not hold null");
      }
      p.validate();
    }
  }
}
