package cz.zoom.screenrec.trust;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * A certificate authority of ScreenRec's own: the cluster CA that a server creates on its first
 * start, which certifies the server and the desktops it enrolls and signs recordings' evidence. Its
 * own key is RSA-3072 and the keys it certifies are ECDSA P-256: every TLS handshake checks a
 * certificate the CA signed, and Java checks an RSA signature in a fifteenth of the time of an
 * ECDSA one, which is what a cluster pays when thousands of desktops fail over to it at once (the
 * leaf's own signature is made and checked by BoringSSL). An operator's CA of another kind works as
 * long as Java can sign with its key.
 */
public final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();
  // Java's providers know keys by name, not by the OIDs a request carries; not registered globally
  private static final java.security.Provider BC =
      new org.bouncycastle.jce.provider.BouncyCastleProvider();

  private final X509Certificate certificate;
  private final PrivateKey key;

  public CertificateAuthority(X509Certificate certificate, PrivateKey key) {
    this.certificate = certificate;
    this.key = key;
  }

  /** A new self-signed CA named {@code name}, valid from now for {@code validity}. */
  public static CertificateAuthority create(String name, Duration validity) {
    KeyPair pair = newCaKeyPair();
    X500Name subject = name(name);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(subject, subject, pair.getPublic(), validity);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      b.addExtension(
          Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      return new CertificateAuthority(sign(b, pair.getPrivate()), pair.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create a CA", e);
    }
  }

  private static KeyPair newCaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(3072, RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java has RSA", e);
    }
  }

  /** A key pair for a certificate this CA issues: a server's or a desktop's. */
  public static KeyPair newKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every Java has EC P-256", e);
    }
  }

  public X509Certificate certificate() {
    return certificate;
  }

  public PrivateKey key() {
    return key;
  }

  /**
   * A TLS server certificate for {@code key} covering {@code names}: host names and IP addresses
   * (an IP literal goes in as an address, so clients connecting by address accept it).
   */
  public X509Certificate issueServer(PublicKey key, Collection<String> names, Duration validity) {
    Set<String> unique = new LinkedHashSet<>(names);
    List<GeneralName> alt = new ArrayList<>();
    for (String n : unique) {
      alt.add(
          isAddress(n)
              ? new GeneralName(GeneralName.iPAddress, n)
              : new GeneralName(GeneralName.dNSName, n));
    }
    try {
      X509v3CertificateBuilder b =
          leaf(name("ScreenRec server " + unique.iterator().next()), key, validity);
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(alt.toArray(GeneralName[]::new)));
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      return sign(b, this.key);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a server certificate", e);
    }
  }

  /**
   * A TLS client certificate for a desktop: the request's key, with {@code desktopId} as its name
   * whatever the request asked for. Refuses a request whose signature does not prove its key.
   */
  public X509Certificate issueDesktop(
      PKCS10CertificationRequest request, String desktopId, Duration validity) {
    try {
      if (!request.isSignatureValid(
          new JcaContentVerifierProviderBuilder()
              .setProvider(BC)
              .build(request.getSubjectPublicKeyInfo()))) {
        throw new IllegalArgumentException("the request's signature does not match its key");
      }
      PublicKey key = new JcaPEMKeyConverter().getPublicKey(request.getSubjectPublicKeyInfo());
      X509v3CertificateBuilder b = leaf(name(desktopId), key, validity);
      b.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
      return sign(b, this.key);
    } catch (OperatorCreationException | PKCSException | org.bouncycastle.openssl.PEMException e) {
      throw new IllegalArgumentException("unreadable certification request: " + e.getMessage(), e);
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot issue a desktop certificate", e);
    }
  }

  /** A certification request for {@code pair}, as a desktop sends it when it enrolls. */
  public static PKCS10CertificationRequest request(KeyPair pair, String name) {
    try {
      return new JcaPKCS10CertificationRequestBuilder(name(name), pair.getPublic())
          .build(
              new JcaContentSignerBuilder(algorithm(pair.getPrivate())).build(pair.getPrivate()));
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign a certification request", e);
    }
  }

  /** The CA's signature over {@code data} (evidence manifests). */
  public byte[] sign(byte[] data) {
    try {
      Signature s = Signature.getInstance(algorithm(key));
      s.initSign(key);
      s.update(data);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign", e);
    }
  }

  /** The desktop id a certificate this CA issued names (its common name). */
  public static String commonName(X509Certificate certificate) {
    X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    var rdns = name.getRDNs(BCStyle.CN);
    if (rdns.length == 0) {
      throw new IllegalArgumentException("the certificate has no common name");
    }
    return rdns[0].getFirst().getValue().toString();
  }

  private X509v3CertificateBuilder leaf(X500Name subject, PublicKey key, Duration validity)
      throws GeneralSecurityException, CertIOException {
    JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
    X509v3CertificateBuilder b =
        builder(
            X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()),
            subject,
            key,
            validity);
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    b.addExtension(
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
    b.addExtension(
        Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
    return b;
  }

  private static X509v3CertificateBuilder builder(
      X500Name issuer, X500Name subject, PublicKey key, Duration validity) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
        issuer,
        new BigInteger(127, RANDOM),
        // an hour back, so a desktop whose clock is a little behind accepts a fresh certificate
        Date.from(now.minus(Duration.ofHours(1))),
        Date.from(now.plus(validity)),
        subject,
        key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
      throws GeneralSecurityException {
    try {
      ContentSigner signer = new JcaContentSignerBuilder(algorithm(key)).build(key);
      return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  static String algorithm(PrivateKey key) {
    return switch (key.getAlgorithm()) {
      case "EC", "ECDSA" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default ->
          throw new IllegalArgumentException("cannot sign with a " + key.getAlgorithm() + " key");
    };
  }

  private static X500Name name(String commonName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, "ScreenRec")
        .addRDN(BCStyle.CN, commonName)
        .build();
  }

  private static boolean isAddress(String name) {
    if (!name.matches("[0-9.]+") && !name.contains(":")) {
      return false;
    }
    try {
      InetAddress.getByName(name); // a literal: no lookup
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
