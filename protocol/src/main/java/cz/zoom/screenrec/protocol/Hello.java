package cz.zoom.screenrec.protocol;

import java.util.List;

/** Client → server, first message on a connection. */
public record Hello(
    int protocolVersion,
    String agent,
    String machine,
    String clientVersion,
    List<Screen> screens,
    ActiveRecording activeRecording,
    long clientTime) implements ControlMessage {

  public Hello {
    screens = screens == null ? List.of() : List.copyOf(screens);
  }

  @Override
  public void validate() {
    if (protocolVersion != Limits.PROTOCOL_VERSION) {
      throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
          "this server speaks protocol version " + Limits.PROTOCOL_VERSION + ", not " + protocolVersion);
    }
    if (agent == null || !Limits.NAME.matcher(agent).matches()) {
      throw new ProtocolException(ErrorCode.INVALID_AGENT,
          "agent must be 1-128 characters of letters, digits and . _ @ : -");
    }
    Limits.requireText("machine", machine, false);
    Limits.requireText("clientVersion", clientVersion, false);
    Limits.requireRange("screens", screens.size(), 0, Limits.MAX_SCREENS);
    screens.forEach(Screen::validate);
    if (activeRecording != null) {
      activeRecording.validate();
    }
  }
}
