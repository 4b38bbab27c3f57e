package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.ProtocolException;
import java.security.cert.X509Certificate;

/**
 * Whether the desktop behind a TLS connection may claim an agent: asked on every HELLO, with the
 * certificate the handshake already checked against the cluster CA. It refuses a revoked desktop
 * and keeps the audit of which desktop claimed which agent.
 */
public interface DesktopCheck {
  /**
   * Returns the desktop's id, or throws ({@link
   * cz.zoom.screenrec.protocol.ErrorCode#DESKTOP_REVOKED}).
   */
  String admit(X509Certificate certificate, String machine, String agent) throws ProtocolException;
}
