package cz.zoom.screenrec.trust;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust in a server before a desktop has its CA: the server's chain must hold the CA whose
 * fingerprint the enrollment token carries, and validate against that CA alone (names included). A
 * server showing any other CA is refused, however plausible its certificate.
 */
public final class PinnedCa extends ServerTrust {
  private final String fingerprint;

  public PinnedCa(String fingerprint) {
    this.fingerprint = fingerprint;
  }

  /** A client context that trusts only a server chaining to the pinned CA. */
  public static SSLContext context(String fingerprint) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new PinnedCa(fingerprint)}, null);
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected X509ExtendedTrustManager delegate(X509Certificate[] chain) throws CertificateException {
    for (X509Certificate c : chain) {
      if (Fingerprint.same(Fingerprint.of(c), fingerprint)) {
        return anchoredAt(List.of(c));
      }
    }
    throw new CertificateException(
        "the server does not show the CA the enrollment token names (sha256 "
            + fingerprint
            + "): not the cluster the token is for, or someone in between");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
