package cz.zoom.screenrec.trust;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A client's trust in servers, decided per chain by {@link #delegate}: the chosen trust manager
 * checks the chain and, where the connection asks for it, the host name. It never trusts clients.
 */
public abstract class ServerTrust extends X509ExtendedTrustManager {
  /** The trust manager that checks {@code chain}, or an exception saying why none may. */
  protected abstract X509ExtendedTrustManager delegate(X509Certificate[] chain)
      throws CertificateException;

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    delegate(chain).checkServerTrusted(chain, authType, engine);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    delegate(chain).checkServerTrusted(chain, authType, socket);
  }

  @Override
  public final void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    delegate(chain).checkServerTrusted(chain, authType);
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trusts servers only");
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trusts servers only");
  }

  @Override
  public final void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trusts servers only");
  }

  /** The trust manager Java makes for exactly these anchors. */
  protected static X509ExtendedTrustManager anchoredAt(java.util.List<X509Certificate> anchors)
      throws CertificateException {
    for (javax.net.ssl.TrustManager tm : Tls.trustManagers(anchors).getTrustManagers()) {
      if (tm instanceof X509ExtendedTrustManager x) {
        return x;
      }
    }
    throw new CertificateException("no X.509 trust manager");
  }
}
