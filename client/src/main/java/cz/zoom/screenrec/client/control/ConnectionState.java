package cz.zoom.screenrec.client.control;

/** Where one control connection is in the protocol's handshake (docs/protocol.md). */
public enum ConnectionState {
  /** TCP connect in progress, or no connection at all. */
  CONNECTING,
  /** HELLO written, waiting for WELCOME. */
  HELLO_SENT,
  /** WELCOME received: heartbeats run and commands are accepted. */
  ACTIVE,
  /** The connection is gone; a new one will be made. */
  CLOSED
}
