package cz.zoom.screenrec.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  static final CertificateAuthority CA =
      CertificateAuthority.create("test cluster CA", Duration.ofDays(3650));

  @Test
  void aServerCertificateCoversItsNamesAndChainsToTheCa() throws Exception {
    KeyPair server = CertificateAuthority.newKeyPair();
    X509Certificate cert =
        CA.issueServer(
            server.getPublic(),
            List.of("127.0.0.1", "localhost", "rec.example"),
            Duration.ofDays(825));
    assertThat(cert.getSubjectAlternativeNames())
        .extracting(n -> (Object) n.get(1))
        .containsExactly((Object) "127.0.0.1", "localhost", "rec.example");
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(cert.getBasicConstraints()).isEqualTo(-1);
    validates(cert);
  }

  @Test
  void aDesktopCertificateNamesTheDesktopWhateverTheRequestAsked() throws Exception {
    KeyPair desktop = CertificateAuthority.newKeyPair();
    PKCS10CertificationRequest request = CertificateAuthority.request(desktop, "admin");
    String pem = Pem.of(request);
    X509Certificate cert = CA.issueDesktop(Pem.request(pem), "desktop-1234", Duration.ofDays(730));
    assertThat(CertificateAuthority.commonName(cert)).isEqualTo("desktop-1234");
    assertThat(cert.getPublicKey()).isEqualTo(desktop.getPublic());
    assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    validates(cert);
  }

  @Test
  void aRequestWhoseSignatureDoesNotProveItsKeyIsRefused() throws Exception {
    KeyPair desktop = CertificateAuthority.newKeyPair();
    byte[] der = CertificateAuthority.request(desktop, "d").getEncoded();
    der[der.length - 5] ^= 1; // inside the signature
    assertThatThrownBy(
            () -> CA.issueDesktop(new PKCS10CertificationRequest(der), "d", Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCertificateOfAnotherCaDoesNotValidate() throws Exception {
    CertificateAuthority other = CertificateAuthority.create("other", Duration.ofDays(10));
    X509Certificate foreign =
        other.issueServer(
            CertificateAuthority.newKeyPair().getPublic(),
            List.of("localhost"),
            Duration.ofDays(1));
    assertThatThrownBy(() -> validates(foreign))
        .isInstanceOf(java.security.GeneralSecurityException.class);
  }

  @Test
  void pemRoundTripsKeysAndCertificates() {
    assertThat(Pem.certificates(Pem.of(CA.certificate()))).containsExactly(CA.certificate());
    assertThat(Pem.privateKey(Pem.of(CA.key())).getEncoded()).isEqualTo(CA.key().getEncoded());
    assertThatThrownBy(() -> Pem.certificates("hello"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signaturesVerifyWithTheCaCertificate() throws Exception {
    byte[] data = "manifest".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Signature v = Signature.getInstance("SHA256withRSA");
    v.initVerify(CA.certificate());
    v.update(data);
    assertThat(v.verify(CA.sign(data))).isTrue();
  }

  @Test
  void enrollmentTokensParseAndNeverPrintTheirSecret() {
    EnrollmentToken t = EnrollmentToken.mint(Fingerprint.of(CA.certificate()));
    assertThat(EnrollmentToken.parse(t.text() + "\n")).isEqualTo(t);
    assertThat(t.toString()).doesNotContain(t.secret());
    assertThat(t.caFingerprint()).hasSize(64);
    assertThatThrownBy(() -> EnrollmentToken.parse("abc.def"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("abc.def");
  }

  @Test
  void secretsAreWrittenOwnerOnlyWhateverTheUmask(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("keys/key.pem");
    OwnerOnly.directory(file.getParent());
    OwnerOnly.write(file, "secret");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(file.getParent()))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.readString(file)).isEqualTo("secret");
  }

  private static void validates(X509Certificate cert) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(CA.certificate(), null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(cert)), params);
  }
}
