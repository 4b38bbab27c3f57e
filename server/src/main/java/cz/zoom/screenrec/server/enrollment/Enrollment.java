package cz.zoom.screenrec.server.enrollment;

import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.ProtocolException;
import cz.zoom.screenrec.server.control.DesktopCheck;
import cz.zoom.screenrec.server.core.LogText;
import cz.zoom.screenrec.server.core.Refusal;
import cz.zoom.screenrec.server.enrollment.EnrollmentStore.Desktop;
import cz.zoom.screenrec.server.enrollment.EnrollmentStore.StoredToken;
import cz.zoom.screenrec.server.storage.StripedLocks;
import cz.zoom.screenrec.server.tls.ClusterTls;
import cz.zoom.screenrec.trust.CertificateAuthority;
import cz.zoom.screenrec.trust.EnrollmentToken;
import cz.zoom.screenrec.trust.Fingerprint;
import cz.zoom.screenrec.trust.OwnerOnly;
import cz.zoom.screenrec.trust.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Consumer;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enrollment of desktops: a desktop shows a token and a certification request, and gets a client
 * certificate of the cluster CA naming a desktop id of the server's choosing. Tokens are minted by
 * admins (a number of uses, an expiry) or made once on the first start into {@code
 * <data-dir>/enroll-token}, for the first user and for deployment tools (any number of uses, until
 * revoked).
 */
public final class Enrollment implements DesktopCheck {
  private static final Logger log = LoggerFactory.getLogger(Enrollment.class);
  static final Duration DESKTOP_VALIDITY = Duration.ofDays(2 * 365);
  private static final String REFUSED =
      "the enrollment token is unknown, used up, expired or revoked: ask an admin for a new one";

  /** A token as minted, with the secret: shown once, to the admin who asked. */
  public record Minted(EnrollmentToken token, Integer uses, Long expiresAt) {}

  /** What a desktop gets: its id, its certificate (PEM) and the CA that issued it (PEM). */
  public record Certified(String desktopId, String certificate, String ca) {}

  private final EnrollmentStore store;
  private final ClusterTls tls;
  private final Clock clock;
  private final Consumer<String> onRevoked;
  private final AgentTokens agentTokens;
  private final DesktopSightings sightings;

  /**
   * Desktops admitted since start, by id, with their certificate's SHA-256: their next HELLO reads
   * nothing from the database. Revoking removes the entry under the desktop's lock.
   */
  private final ConcurrentMap<String, String> admitted = new ConcurrentHashMap<>();

  private final StripedLocks locks = new StripedLocks(64);

  private Path firstTokenFile;
  private volatile String firstTokenId;

  /**
   * @param onRevoked told the id of each desktop revoked, to close its sessions at once
   * @param agentTokens what a HELLO's agent token must pass (--agent-auth token), or null
   */
  public Enrollment(
      EnrollmentStore store,
      ClusterTls tls,
      Clock clock,
      Consumer<String> onRevoked,
      AgentTokens agentTokens,
      DesktopSightings sightings) {
    this.sightings = sightings;
    this.store = store;
    this.tls = tls;
    this.clock = clock;
    this.onRevoked = onRevoked;
    this.agentTokens = agentTokens;
  }

  /** Mints agent tokens (also when the server does not ask for them, for a switch-over). */
  public AgentTokens.Minted agentToken(String agent, Duration validFor) {
    try {
      return new AgentTokens(tls.clusterCa(), clock).mint(agent, validFor);
    } catch (IllegalArgumentException e) {
      throw new Refusal.Invalid(e.getMessage());
    }
  }

  /**
   * The token in {@code file}, made on the first start (owner-only) and known to the database
   * whatever happened to it since (a new database with the old data dir keeps the token working).
   */
  public EnrollmentToken firstToken(Path file) {
    EnrollmentToken token;
    if (Files.exists(file)) {
      token = EnrollmentToken.parse(Pem.read(file));
    } else {
      token = EnrollmentToken.mint(tls.serverCaFingerprint());
      OwnerOnly.write(file, token.text() + "\n");
      log.info("wrote the first enrollment token to {} ({})", file, token);
    }
    if (store.findToken(token.id()).isEmpty()) {
      store.insertToken(new StoredToken(token.id(), hash(token), null, null, clock.millis(), null));
    }
    firstTokenFile = file;
    firstTokenId = token.id();
    return token;
  }

  /**
   * Revokes a token: it enrolls no more desktops (those it enrolled stay). Revoking the data dir's
   * first token writes a new one there at once, so the quick start keeps working for whoever may
   * read the data dir, and a leaked first token is rotated without a restart.
   */
  public synchronized void revokeToken(String id) {
    if (!store.revokeToken(id, clock.millis())) {
      throw new Refusal.NotFound("enrollment token " + id);
    }
    log.info("revoked enrollment token {}", id);
    if (id.equals(firstTokenId)) {
      try {
        Files.delete(firstTokenFile);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot replace " + firstTokenFile, e);
      }
      firstToken(firstTokenFile);
    }
  }

  /** A new token for {@code uses} enrollments (null: any number) until {@code validFor} passes. */
  public Minted mint(Integer uses, Duration validFor) {
    if (uses != null && (uses < 1 || uses > 1_000_000)) {
      throw new Refusal.Invalid("uses must be 1..1000000");
    }
    if (validFor != null && (validFor.isNegative() || validFor.isZero())) {
      throw new Refusal.Invalid("a token must be valid for a while");
    }
    EnrollmentToken token = EnrollmentToken.mint(tls.serverCaFingerprint());
    long now = clock.millis();
    Long expiresAt = validFor == null ? null : now + validFor.toMillis();
    store.insertToken(new StoredToken(token.id(), hash(token), uses, expiresAt, now, null));
    log.info("minted {} (uses {}, expires {})", token, uses == null ? "any" : uses, expiresAt);
    return new Minted(token, uses, expiresAt);
  }

  /** Certifies the desktop that sent {@code request} with {@code tokenText}. */
  public Certified enroll(String tokenText, String requestPem, String machine) {
    EnrollmentToken token;
    try {
      token = EnrollmentToken.parse(tokenText);
    } catch (IllegalArgumentException e) {
      throw new Refusal.Unauthenticated("enrollment_refused", e.getMessage());
    }
    if (machine == null
        || machine.isBlank()
        || machine.length() > Limits.MAX_TEXT_LENGTH
        || machine.chars().anyMatch(Character::isISOControl)) {
      throw new Refusal.Invalid("machine must be 1..1024 printable characters");
    }
    PKCS10CertificationRequest request;
    try {
      request = Pem.request(requestPem == null ? "" : requestPem);
    } catch (IllegalArgumentException e) {
      throw new Refusal.Invalid("bad_request", "request must be a PEM certification request");
    }
    long now = clock.millis();
    Optional<StoredToken> stored = store.findToken(token.id());
    if (stored.isEmpty()
        || !Fingerprint.same(stored.get().secretHash(), hash(token))
        || !Fingerprint.same(token.caFingerprint(), tls.serverCaFingerprint())) {
      log.warn(
          "enrollment of machine '{}' refused: {} is not one of this cluster's", machine, token);
      throw new Refusal.Unauthenticated("enrollment_refused", REFUSED);
    }
    String desktopId = UUID.randomUUID().toString();
    X509Certificate certificate;
    try {
      certificate = tls.clusterCa().issueDesktop(request, desktopId, DESKTOP_VALIDITY);
    } catch (IllegalArgumentException e) {
      throw new Refusal.Invalid("bad_request", e.getMessage());
    }
    if (!store.useToken(token.id(), now)) {
      log.warn(
          "enrollment of machine '{}' refused: {} is used up, expired or revoked", machine, token);
      throw new Refusal.Unauthenticated("enrollment_refused", REFUSED);
    }
    store.insertDesktop(
        new Desktop(
            desktopId,
            machine,
            Fingerprint.of(certificate),
            token.id(),
            now,
            certificate.getNotAfter().toInstant().toEpochMilli(),
            null,
            null,
            List.of()));
    log.info("enrolled desktop {} (machine '{}') with {}", desktopId, machine, token);
    return new Certified(desktopId, Pem.of(certificate), Pem.of(tls.serverCa()));
  }

  public List<Desktop> desktops() {
    sightings.flush();
    return store.desktops();
  }

  public Optional<Desktop> desktop(String id) {
    sightings.flush();
    return store.findDesktop(id);
  }

  /** Revokes a desktop: its sessions close now, and its certificate opens no more. */
  public void revoke(String desktopId) {
    synchronized (locks.forKey(desktopId)) {
      admitted.remove(desktopId);
      if (!store.revokeDesktop(desktopId, clock.millis())) {
        throw new Refusal.NotFound("desktop " + desktopId);
      }
    }
    log.info("revoked desktop {}", desktopId);
    onRevoked.accept(desktopId);
  }

  /**
   * A desktop with a certificate of the cluster CA claims an agent. One the other cluster of the
   * pair enrolled (same CA) is met here for the first time and recorded; a revoked one, or one
   * whose certificate is not the one recorded for its id, is refused.
   */
  @Override
  public String admit(X509Certificate certificate, Hello hello) throws ProtocolException {
    if (agentTokens != null && !agentTokens.valid(hello.agentToken(), hello.agent())) {
      log.warn(
          "HELLO for agent {} refused: {} agent token",
          LogText.of(hello.agent()),
          hello.agentToken() == null ? "no" : "a bad or expired");
      throw new ProtocolException(
          ErrorCode.AGENT_TOKEN_REFUSED,
          "this server needs a valid agent token for "
              + hello.agent()
              + " from the contact centre's desktop back end (-token)");
    }
    if (certificate == null) {
      return null; // a --plaintext port: no desktop to check
    }
    String machine = hello.machine();
    String agent = hello.agent();
    String desktopId = CertificateAuthority.commonName(certificate);
    String sha = Fingerprint.of(certificate);
    long now = clock.millis();
    String admittedWith = admitted.get(desktopId);
    if (admittedWith == null || !Fingerprint.same(admittedWith, sha)) {
      synchronized (locks.forKey(desktopId)) {
        check(certificate, desktopId, sha, machine, now);
        admitted.put(desktopId, sha);
      }
    }
    sightings.seen(desktopId, agent, now);
    return desktopId;
  }

  private void check(
      X509Certificate certificate, String desktopId, String sha, String machine, long now)
      throws ProtocolException {
    Optional<Desktop> known = store.findDesktop(desktopId);
    if (known.isEmpty()) {
      store.insertDesktop(
          new Desktop(
              desktopId,
              machine == null || machine.isBlank() ? "?" : machine,
              sha,
              null,
              now,
              certificate.getNotAfter().toInstant().toEpochMilli(),
              null,
              null,
              List.of()));
      log.info(
          "desktop {} (machine '{}'), enrolled by another cluster, seen here first",
          desktopId,
          machine);
    } else if (known.get().revokedAt() != null) {
      throw new ProtocolException(
          ErrorCode.DESKTOP_REVOKED, "desktop " + desktopId + " was revoked; enroll it again");
    } else if (!Fingerprint.same(known.get().certificateSha256(), sha)) {
      log.warn(
          "desktop {} showed a certificate other than the one it was enrolled with", desktopId);
      throw new ProtocolException(
          ErrorCode.DESKTOP_REVOKED,
          "desktop " + desktopId + " has another certificate here; enroll it again");
    }
  }

  private static String hash(EnrollmentToken token) {
    return Fingerprint.sha256(token.secret().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }
}
