package cz.zoom.screenrec.trust;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * What an enrolled desktop holds, in its credentials directory (owner-only): {@code
 * desktop-key.pem} (its private key, made on the desktop and never sent), {@code desktop.pem} (its
 * certificate from the cluster CA) and {@code ca.pem} (the CA it trusts servers by).
 */
public record DesktopCredentials(
    String desktopId, PrivateKey key, X509Certificate certificate, X509Certificate ca) {

  public static boolean existIn(Path dir) {
    return Files.isRegularFile(dir.resolve("desktop-key.pem"))
        && Files.isRegularFile(dir.resolve("desktop.pem"))
        && Files.isRegularFile(dir.resolve("ca.pem"));
  }

  public static DesktopCredentials load(Path dir) {
    X509Certificate certificate = Pem.certificates(Pem.read(dir.resolve("desktop.pem"))).get(0);
    return new DesktopCredentials(
        CertificateAuthority.commonName(certificate),
        Pem.privateKey(Pem.read(dir.resolve("desktop-key.pem"))),
        certificate,
        Pem.certificates(Pem.read(dir.resolve("ca.pem"))).get(0));
  }

  public void save(Path dir) {
    OwnerOnly.directory(dir);
    OwnerOnly.write(dir.resolve("desktop-key.pem"), Pem.of(key));
    OwnerOnly.write(dir.resolve("desktop.pem"), Pem.of(certificate));
    OwnerOnly.write(dir.resolve("ca.pem"), Pem.of(ca));
  }

  /** Shows the desktop's certificate and trusts only servers of its CA. */
  public SSLContext sslContext() {
    return Tls.clientContext(List.of(ca), key, List.of(certificate, ca));
  }

  @Override
  public String toString() {
    return "desktop " + desktopId; // never the key
  }
}
