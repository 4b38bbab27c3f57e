package cz.zoom.screenrec.trust;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * The one TLS policy of every ScreenRec port and client: TLS 1.3, or 1.2 with forward-secret AEAD
 * suites only, and the key and trust material in the forms Netty, Jetty and Java's HTTP client
 * take.
 */
public final class Tls {
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  public static final List<String> CIPHER_SUITES =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private static final char[] NO_PASSWORD = new char[0];

  private Tls() {}

  /** An in-memory key store holding {@code key} with its chain (leaf first). */
  public static KeyStore keyStore(PrivateKey key, List<X509Certificate> chain) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
      return ks;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot hold the key in a key store", e);
    }
  }

  /** The (empty) password of {@link #keyStore}. */
  public static char[] keyStorePassword() {
    return NO_PASSWORD.clone();
  }

  public static KeyStore trustStore(Collection<X509Certificate> anchors) {
    try {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      int i = 0;
      for (X509Certificate ca : anchors) {
        ks.setCertificateEntry("ca-" + i++, ca);
      }
      return ks;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot hold the CA certificates in a trust store", e);
    }
  }

  public static KeyManagerFactory keyManagers(PrivateKey key, List<X509Certificate> chain) {
    try {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keyStore(key, chain), NO_PASSWORD);
      return kmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static TrustManagerFactory trustManagers(Collection<X509Certificate> anchors) {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore(anchors));
      return tmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A client context that trusts only {@code anchors} and, when {@code key} is given, shows that
   * key's certificate.
   */
  public static SSLContext clientContext(
      Collection<X509Certificate> anchors, PrivateKey key, List<X509Certificate> chain) {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          key == null ? null : keyManagers(key, chain).getKeyManagers(),
          trustManagers(anchors).getTrustManagers(),
          null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The policy's protocols and suites, with host name verification on. */
  public static SSLParameters clientParameters() {
    SSLParameters p = new SSLParameters();
    p.setProtocols(PROTOCOLS.toArray(String[]::new));
    p.setCipherSuites(CIPHER_SUITES.toArray(String[]::new));
    p.setEndpointIdentificationAlgorithm("HTTPS");
    return p;
  }
}
