package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.UploadGrant;
import java.util.List;

/** What the control plane tells the recording logic. Called off the Netty event loop. */
public interface SessionListener {

  /**
   * A recording in progress this server adopts from a HELLO, with the upload token issued for it.
   */
  record Adoption(String recordingId, String uploadToken) {}

  /** What this server takes over from a HELLO: the recording in progress, and pending uploads. */
  record Takeover(Adoption adoption, List<UploadGrant> grants) {
    public static final Takeover NOTHING = new Takeover(null, List.of());
  }

  /**
   * A client said HELLO; decides what this server takes over from it. Called before the session is
   * registered and before WELCOME is sent.
   */
  Takeover onHello(Hello hello, String desktopId, long clockOffsetHint);

  /** The session is registered and WELCOME is on its way. */
  void onSessionStarted(AgentSession session, Takeover takeover);

  void onRecordingStopped(AgentSession session, RecordingStopped stopped);

  void onSessionClosed(AgentSession session);
}
