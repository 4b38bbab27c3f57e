package cz.zoom.screenrec.trust;

import java.security.SecureRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a desktop needs to enroll: {@code ID.SECRET.CA-FINGERPRINT}. The id names the token on the
 * server (shown in lists and logs), the secret proves the desktop was given it, and the fingerprint
 * of the cluster CA lets the desktop check the server before it sends anything: a server that shows
 * another CA is refused, however it answers.
 */
public record EnrollmentToken(String id, String secret, String caFingerprint) {
  private static final Pattern FORM =
      Pattern.compile("([a-z0-9]{6})\\.([a-z0-9]{32})\\.([0-9a-f]{64})");
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  public static EnrollmentToken mint(String caFingerprint) {
    return new EnrollmentToken(random(6), random(32), caFingerprint);
  }

  public static EnrollmentToken parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "an enrollment token is ID.SECRET.CA-FINGERPRINT (6, 32 and 64 characters), as the"
              + " server's enroll-token file or POST /api/v1/enrollment-tokens gives it");
    }
    return new EnrollmentToken(m.group(1), m.group(2), m.group(3));
  }

  /** The token as a desktop is given it. */
  public String text() {
    return id + "." + secret + "." + caFingerprint;
  }

  /** Only the id: a token in a log line or an exception must not be usable. */
  @Override
  public String toString() {
    return "enrollment token " + id;
  }

  private static String random(int length) {
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
