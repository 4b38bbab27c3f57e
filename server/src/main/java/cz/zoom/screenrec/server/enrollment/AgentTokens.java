package cz.zoom.screenrec.server.enrollment;

import cz.zoom.screenrec.trust.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Short-lived tokens that bind a HELLO to one agent ({@code --agent-auth token}): the contact
 * centre's desktop back end mints one with the API token when the agent logs in and hands it to
 * that agent's client. A token is {@code PAYLOAD.SIGNATURE}, the payload naming the agent and the
 * expiry, signed with the cluster CA's key: the other cluster of a pair, which shares the CA,
 * checks it without asking anyone, and the database holds nothing to steal.
 */
public final class AgentTokens {
  private static final String PREFIX = "screenrec-agent-token:1:";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder UNB64 = Base64.getUrlDecoder();
  static final Duration LONGEST = Duration.ofHours(24);

  private final CertificateAuthority ca;
  private final Clock clock;

  public AgentTokens(CertificateAuthority ca, Clock clock) {
    this.ca = ca;
    this.clock = clock;
  }

  /** A token as minted: what to hand to the agent's client, and until when it is good. */
  public record Minted(String agent, String token, long expiresAt) {}

  public Minted mint(String agent, Duration validFor) {
    if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException("an agent token is valid for 1 minute..24 hours");
    }
    long expiresAt = clock.millis() + validFor.toMillis();
    byte[] payload = (PREFIX + expiresAt + ":" + agent).getBytes(StandardCharsets.UTF_8);
    return new Minted(
        agent, B64.encodeToString(payload) + "." + B64.encodeToString(ca.sign(payload)), expiresAt);
  }

  /** Whether {@code token} is a good token for {@code agent} now; never throws on bad input. */
  public boolean valid(String token, String agent) {
    if (token == null || token.length() > 1024) {
      return false;
    }
    int dot = token.indexOf('.');
    if (dot < 0) {
      return false;
    }
    try {
      byte[] payload = UNB64.decode(token.substring(0, dot));
      byte[] signature = UNB64.decode(token.substring(dot + 1));
      if (!verifies(ca.certificate(), payload, signature)) {
        return false;
      }
      String text = new String(payload, StandardCharsets.UTF_8);
      if (!text.startsWith(PREFIX)) {
        return false;
      }
      String rest = text.substring(PREFIX.length());
      int colon = rest.indexOf(':');
      long expiresAt = Long.parseLong(rest.substring(0, colon));
      return rest.substring(colon + 1).equals(agent) && clock.millis() < expiresAt;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return false;
    }
  }

  private static boolean verifies(X509Certificate ca, byte[] payload, byte[] signature) {
    try {
      Signature s = Signature.getInstance(ca.getSigAlgName());
      s.initVerify(ca.getPublicKey());
      s.update(payload);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
