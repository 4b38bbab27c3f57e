package cz.zoom.screenrec.server.upload;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Upload tokens: random, scoped to one recording, stored only as a SHA-256 hash so the database
 * alone cannot be used to upload. A presented token is checked by looking its hash up with the
 * recording id: guessing costs 2^256 tries whatever the lookup's timing reveals about hashes.
 */
public final class UploadTokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private UploadTokens() {}

  public static String newToken() {
    byte[] b = new byte[32];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  public static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
