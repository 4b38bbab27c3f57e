package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.RecordingStopped;

/** What the control plane tells the recording logic. Called off the Netty event loop. */
public interface SessionListener {

  /** A recording this server adopts from a HELLO, with the upload token issued for it. */
  record Adoption(String recordingId, String uploadToken) {}

  /**
   * A client said HELLO; returns the adoption of its recording in progress, or null.
   * Called before the session is registered and before WELCOME is sent.
   */
  Adoption onHello(Hello hello, long clockOffsetHint);

  /** The session is registered and WELCOME is on its way. */
  void onSessionStarted(AgentSession session, Adoption adoption);

  void onRecordingStopped(AgentSession session, RecordingStopped stopped);

  void onSessionClosed(AgentSession session);
}
