package cz.zoom.screenrec.server.upload;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Upload tokens: random, scoped to one recording, stored only as a SHA-256 hash so the database
 * alone cannot be used to upload.
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
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** Constant-time check of a presented token against a stored hash. */
  public static boolean matches(String presented, String storedHash) {
    if (presented == null || storedHash == null) {
      return false;
    }
    return MessageDigest.isEqual(hash(presented).getBytes(StandardCharsets.US_ASCII),
        storedHash.getBytes(StandardCharsets.US_ASCII));
  }
}
