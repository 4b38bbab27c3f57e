package cz.zoom.screenrec.server.tls;

import cz.zoom.screenrec.trust.CertificateAuthority;
import cz.zoom.screenrec.trust.Fingerprint;
import cz.zoom.screenrec.trust.OwnerOnly;
import cz.zoom.screenrec.trust.Pem;
import cz.zoom.screenrec.trust.Tls;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's keys and certificates, kept in {@code <data-dir>/tls/}:
 *
 * <ul>
 *   <li>{@code ca.pem} and {@code ca-key.pem}: the cluster CA, made on the first start. It
 *       certifies the desktops this cluster enrolls and signs recordings' evidence. The second
 *       cluster of a pair gets a copy of both files before its first start, so a desktop enrolled
 *       once is known to both (docs/security.md).
 *   <li>{@code server.pem} and {@code server-key.pem}: the certificate both ports show, issued by
 *       the cluster CA for the names clients use (the bind address, {@code localhost}, the host
 *       name, the host of {@code --public-url}); issued again when a name is missing or it runs out
 *       within 30 days.
 * </ul>
 *
 * Keys are readable by the server's user only.
 */
public final class ClusterTls {
  private static final Logger log = LoggerFactory.getLogger(ClusterTls.class);
  private static final Duration CA_VALIDITY = Duration.ofDays(20 * 365);
  private static final Duration SERVER_VALIDITY = Duration.ofDays(397);
  private static final Duration RENEW_BEFORE = Duration.ofDays(30);

  private final CertificateAuthority clusterCa;
  private final PrivateKey serverKey;
  private final List<X509Certificate> serverChain;
  private final X509Certificate serverCa;

  private ClusterTls(
      CertificateAuthority clusterCa,
      PrivateKey serverKey,
      List<X509Certificate> serverChain,
      X509Certificate serverCa) {
    this.clusterCa = clusterCa;
    this.serverKey = serverKey;
    this.serverChain = List.copyOf(serverChain);
    this.serverCa = serverCa;
  }

  /**
   * Loads the cluster's material from {@code dir}, making what is missing: the CA on the first
   * start, the server certificate whenever it does not cover {@code names} or runs out soon.
   */
  public static ClusterTls loadOrCreate(Path dir, String clusterId, Collection<String> names) {
    OwnerOnly.directory(dir);
    CertificateAuthority ca = clusterCa(dir, clusterId);
    Path certFile = dir.resolve("server.pem");
    Path keyFile = dir.resolve("server-key.pem");
    X509Certificate leaf =
        Files.exists(certFile) && Files.exists(keyFile)
            ? Pem.certificates(Pem.read(certFile)).get(0)
            : null;
    PrivateKey key;
    if (leaf == null || !covers(leaf, names) || runsOutSoon(leaf) || !issuedBy(leaf, ca)) {
      KeyPair pair = CertificateAuthority.newKeyPair();
      leaf = ca.issueServer(pair.getPublic(), names, SERVER_VALIDITY);
      OwnerOnly.write(keyFile, Pem.of(pair.getPrivate()));
      OwnerOnly.write(certFile, Pem.of(leaf) + Pem.of(ca.certificate()));
      key = pair.getPrivate();
      log.info("issued the server certificate for {} ({})", names, certFile);
    } else {
      key = Pem.privateKey(Pem.read(keyFile));
    }
    return new ClusterTls(ca, key, List.of(leaf, ca.certificate()), ca.certificate());
  }

  /**
   * As {@link #loadOrCreate}, but both ports show an operator's certificate, issued by {@code
   * operatorCa}: desktops are told to trust that CA. The cluster CA still certifies desktops.
   */
  public static ClusterTls withOperatorCertificate(
      Path dir, String clusterId, Path chainFile, Path keyFile, Path operatorCaFile) {
    OwnerOnly.directory(dir);
    CertificateAuthority ca = clusterCa(dir, clusterId);
    List<X509Certificate> chain = Pem.certificates(Pem.read(chainFile));
    PrivateKey key = Pem.privateKey(Pem.read(keyFile));
    X509Certificate operatorCa = Pem.certificates(Pem.read(operatorCaFile)).get(0);
    try {
      chain.get(chain.size() - 1).verify(operatorCa.getPublicKey());
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalArgumentException(
          chainFile + " is not issued by the CA in " + operatorCaFile + ": " + e.getMessage(), e);
    }
    return new ClusterTls(ca, key, chain, operatorCa);
  }

  /** The names a server of this host is reached by: what its certificate must cover. */
  public static List<String> namesOf(String bindAddress, URI publicUrl) {
    Set<String> names = new LinkedHashSet<>();
    if (publicUrl != null && publicUrl.getHost() != null) {
      names.add(stripBrackets(publicUrl.getHost()));
    }
    if (!"0.0.0.0".equals(bindAddress) && !"::".equals(bindAddress)) {
      names.add(stripBrackets(bindAddress));
    }
    names.add("localhost");
    names.add("127.0.0.1");
    names.add("::1");
    try {
      InetAddress self = InetAddress.getLocalHost();
      names.add(self.getHostName());
    } catch (UnknownHostException e) {
      log.warn(
          "cannot learn this host's name ({}); the certificate covers the others", e.toString());
    }
    return new ArrayList<>(names);
  }

  /** The cluster CA: certifies desktops, signs evidence. */
  public CertificateAuthority clusterCa() {
    return clusterCa;
  }

  /** The CA desktops trust for this server's certificate. */
  public X509Certificate serverCa() {
    return serverCa;
  }

  public String serverCaFingerprint() {
    return Fingerprint.of(serverCa);
  }

  public PrivateKey serverKey() {
    return serverKey;
  }

  /** The server's certificate first, then the CA that issued it. */
  public List<X509Certificate> serverChain() {
    return serverChain;
  }

  /** What the HTTP port serves HTTPS with: the server's key and chain. */
  public SSLContext httpsContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(Tls.keyManagers(serverKey, serverChain).getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot set up HTTPS", e);
    }
  }

  /**
   * What the control port speaks: the server's key and chain, and a certificate of the cluster CA
   * required of every client, so only an enrolled desktop gets as far as HELLO.
   */
  public SslContext controlPortContext() {
    log.info(
        "control port TLS by {}",
        OpenSsl.isAvailable()
            ? OpenSsl.versionString()
            : "the JDK (no BoringSSL for this platform)");
    try {
      return SslContextBuilder.forServer(serverKey, serverChain.toArray(X509Certificate[]::new))
          .trustManager(clusterCa.certificate())
          .clientAuth(ClientAuth.REQUIRE)
          // BoringSSL where Netty ships it: a handshake costs a fraction of the JDK's, which is
          // what a cluster pays when thousands of desktops fail over to it at once
          .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
          .protocols(Tls.PROTOCOLS)
          .ciphers(Tls.CIPHER_SUITES)
          .build();
    } catch (javax.net.ssl.SSLException e) {
      throw new IllegalStateException("cannot set up TLS on the control port", e);
    }
  }

  /** What this server trusts when it calls a peer cluster: the shared cluster CA. */
  public SSLContext peerClientContext() {
    return Tls.clientContext(List.of(clusterCa.certificate(), serverCa), null, null);
  }

  private static CertificateAuthority clusterCa(Path dir, String clusterId) {
    Path certFile = dir.resolve("ca.pem");
    Path keyFile = dir.resolve("ca-key.pem");
    if (Files.exists(certFile) && Files.exists(keyFile)) {
      return new CertificateAuthority(
          Pem.certificates(Pem.read(certFile)).get(0), Pem.privateKey(Pem.read(keyFile)));
    }
    if (Files.exists(certFile) || Files.exists(keyFile)) {
      throw new IllegalStateException(
          dir
              + " holds only one of ca.pem and ca-key.pem: copy both from the other cluster, or"
              + " remove the one to have a new CA made");
    }
    CertificateAuthority ca =
        CertificateAuthority.create("ScreenRec cluster CA " + clusterId, CA_VALIDITY);
    OwnerOnly.write(keyFile, Pem.of(ca.key()));
    OwnerOnly.write(certFile, Pem.of(ca.certificate()));
    log.info("made the cluster CA {} (fingerprint {})", certFile, Fingerprint.of(ca.certificate()));
    return ca;
  }

  private static boolean covers(X509Certificate cert, Collection<String> names) {
    try {
      Set<String> covered = new LinkedHashSet<>();
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> n : cert.getSubjectAlternativeNames()) {
          covered.add(String.valueOf(n.get(1)).toLowerCase(java.util.Locale.ROOT));
        }
      }
      return names.stream()
          .map(n -> n.toLowerCase(java.util.Locale.ROOT))
          .allMatch(n -> covered.contains(n) || covered.contains(expandedIpv6(n)));
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  private static String expandedIpv6(String n) {
    if (!n.contains(":")) {
      return n;
    }
    try {
      return InetAddress.getByName(n).getHostAddress().toLowerCase(java.util.Locale.ROOT);
    } catch (UnknownHostException e) {
      return n;
    }
  }

  private static boolean runsOutSoon(X509Certificate cert) {
    return cert.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
  }

  private static boolean issuedBy(X509Certificate cert, CertificateAuthority ca) {
    try {
      cert.verify(ca.certificate().getPublicKey());
      return true;
    } catch (java.security.GeneralSecurityException e) {
      return false;
    }
  }

  private static String stripBrackets(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
