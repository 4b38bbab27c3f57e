package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.ProtocolException;
import java.security.cert.X509Certificate;

/**
 * Whether a connection may claim the agent its HELLO names: asked on every HELLO, with the desktop
 * certificate the TLS handshake already checked against the cluster CA (null on a --plaintext
 * port). It refuses a revoked desktop and, where the server asks for them, a missing or bad agent
 * token, and keeps the audit of which desktop claimed which agent.
 */
public interface DesktopCheck {
  /**
   * Returns the desktop's id (null without a certificate), or throws ({@link
   * cz.zoom.screenrec.protocol.ErrorCode#DESKTOP_REVOKED}, {@link
   * cz.zoom.screenrec.protocol.ErrorCode#AGENT_TOKEN_REFUSED}).
   */
  String admit(X509Certificate certificate, Hello hello) throws ProtocolException;
}
