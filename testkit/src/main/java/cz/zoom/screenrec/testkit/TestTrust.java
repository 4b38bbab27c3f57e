package cz.zoom.screenrec.testkit;

import cz.zoom.screenrec.trust.ServerTrust;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trust in every server this JVM started, and no other: for test helpers that talk to several
 * servers through one HTTP client. Each server's cluster CA is added once it is healthy; names and
 * chains are checked as for any client.
 */
public final class TestTrust {
  private static final Set<X509Certificate> CAS = new CopyOnWriteArraySet<>();
  private static final SSLContext CONTEXT = context();

  private TestTrust() {}

  static void add(X509Certificate ca) {
    CAS.add(ca);
  }

  /**
   * Base64 SHA-256 of each known CA's public key: what Chromium's {@code
   * --ignore-certificate-errors-spki-list} takes.
   */
  public static List<String> spkiHashes() {
    List<String> hashes = new java.util.ArrayList<>();
    for (X509Certificate ca : CAS) {
      try {
        hashes.add(
            java.util.Base64.getEncoder()
                .encodeToString(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(ca.getPublicKey().getEncoded())));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return hashes;
  }

  public static SSLContext sslContext() {
    return CONTEXT;
  }

  private static SSLContext context() {
    try {
      SSLContext c = SSLContext.getInstance("TLS");
      c.init(null, new TrustManager[] {new Current()}, null);
      return c;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Checks against the CAs known at the moment of the handshake. */
  private static final class Current extends ServerTrust {
    @Override
    protected X509ExtendedTrustManager delegate(X509Certificate[] chain)
        throws CertificateException {
      if (CAS.isEmpty()) {
        throw new CertificateException("no server of this JVM has started yet");
      }
      return anchoredAt(List.copyOf(CAS));
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return CAS.toArray(X509Certificate[]::new);
    }
  }
}
