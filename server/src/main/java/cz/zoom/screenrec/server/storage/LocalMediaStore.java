package cz.zoom.screenrec.server.storage;

import cz.zoom.screenrec.protocol.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Media on local disk: {@code <media>/<recordingId>/segments/<index>.seg}, and the encoded video
 * and thumbnail beside them, all owner-only ({@link OwnerOnly}). A segment counts as stored only
 * once its bytes and its directory entry are fsynced, so an acknowledged upload survives a power
 * cut. A body is received under a temporary name first ({@link #receiveSegment}, as slow as the
 * sender) and moved into place separately ({@link #commitSegment}, a rename), so a caller can keep
 * the slow part outside any lock.
 */
public final class LocalMediaStore {
  private final Path root;

  public LocalMediaStore(Path root) throws IOException {
    this.root = OwnerOnly.directories(root).toRealPath();
    OwnerOnly.restrict(this.root);
  }

  /**
   * A segment body durably on disk under a temporary name, its size and checksum checked, not yet
   * in place. Closing it deletes the temporary file if it was not committed.
   */
  public record Received(Path tmp, String sha256, long bytes, long startedAt)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      Files.deleteIfExists(tmp);
    }
  }

  /** Looks at a fully received segment before it is kept; returns its capture start time. */
  @FunctionalInterface
  public interface SegmentCheck {
    long check(Path received) throws RejectedSegmentException;
  }

  /** Why a segment body was refused; {@code tooLarge} maps to 413, the rest to 400. */
  public static final class RejectedSegmentException extends IOException {
    private final boolean tooLarge;

    public RejectedSegmentException(String message, boolean tooLarge) {
      super(message);
      this.tooLarge = tooLarge;
    }

    public boolean tooLarge() {
      return tooLarge;
    }
  }

  /**
   * Streams a segment body to a temporary file beside its final place, refusing it once it exceeds
   * {@code maxBytes}; checks its checksum and {@code check}, and fsyncs it.
   */
  public Received receiveSegment(
      String recordingId,
      int index,
      InputStream body,
      long maxBytes,
      String expectedSha256,
      SegmentCheck check)
      throws IOException {
    Path dir = OwnerOnly.directories(recordingDir(recordingId).resolve("segments"));
    Path tmp = dir.resolve(".upload-" + index + "-" + UUID.randomUUID());
    MessageDigest digest = sha256();
    long bytes = 0;
    boolean kept = false;
    try {
      try (FileChannel ch = OwnerOnly.newFile(tmp);
          OutputStream out = Channels.newOutputStream(ch);
          InputStream in = new DigestInputStream(body, digest)) {
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) > 0; ) {
          bytes += n;
          if (bytes > maxBytes) {
            throw new RejectedSegmentException(
                "segment is larger than " + maxBytes + " bytes", true);
          }
          out.write(buf, 0, n);
        }
        ch.force(true);
      }
      String sha = HexFormat.of().formatHex(digest.digest());
      if (!sha.equals(expectedSha256)) {
        throw new RejectedSegmentException(
            "body does not match X-Segment-Sha256 (got " + sha + ")", false);
      }
      long startedAt = check.check(tmp);
      kept = true;
      return new Received(tmp, sha, bytes, startedAt);
    } finally {
      if (!kept) {
        Files.deleteIfExists(tmp);
      }
    }
  }

  /**
   * Moves a received segment to its place, replacing whatever an earlier attempt left there (one
   * never acknowledged: the caller checks the database first), and makes the rename durable.
   */
  public Path commitSegment(Received received, String recordingId, int index) throws IOException {
    Path target = segmentPath(recordingId, index);
    moveDurably(received.tmp(), target);
    return target;
  }

  public Path segmentPath(String recordingId, int index) {
    return recordingDir(recordingId).resolve("segments").resolve(String.format("%06d.seg", index));
  }

  /** The recording's own directory; the id is checked so no caller can escape the media root. */
  public Path recordingDir(String recordingId) {
    Limits.requireRecordingId(recordingId);
    Path dir = root.resolve(recordingId).normalize();
    if (!dir.getParent().equals(root)) {
      throw new IllegalArgumentException("recording id escapes the media root");
    }
    return dir;
  }

  public Path root() {
    return root;
  }

  private static void moveDurably(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    // the rename itself must reach the disk before we acknowledge
    try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException ignored) {
      // some file systems cannot open a directory for fsync; the file itself is already durable
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
