package cz.zoom.screenrec.client.spool;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import cz.zoom.screenrec.client.capture.SegmentSink;
import cz.zoom.screenrec.format.CorruptSegmentException;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.protocol.Limits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segments on local disk until the server has them: {@code <root>/<recordingId>/manifest.json} and
 * {@code <root>/<recordingId>/<index>.seg}. Segments the server refused for good go to {@code
 * <root>/rejected/<recordingId>/}. Every file appears atomically and durably (temporary file,
 * fsync, rename). Thread-safe.
 */
public final class Spool implements SegmentSink {
  private static final Logger log = LoggerFactory.getLogger(Spool.class);
  static final String MANIFEST = "manifest.json";

  /** A recording being deleted: already out of the spool, its files not yet gone. */
  private static final String REMOVED_PREFIX = ".removed-";

  static final String REJECTED = "rejected";
  private static final Pattern SEGMENT = Pattern.compile("(\\d{7})\\.seg");
  private static final Pattern SEGMENT_TMP = Pattern.compile("(\\d{7})\\.seg\\.tmp");
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path root;
  private final Object manifestLock = new Object();
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

  /** The recording being captured now (its segments go first), or null. */
  private volatile String live;

  private final List<Consumer<String>> targetListeners = new CopyOnWriteArrayList<>();

  private final SpoolLimits limits;
  private final Object roomLock = new Object();
  private long roomCheckedAt = Long.MIN_VALUE;
  private boolean full;

  /** How often the spool's size and the disk's free space are looked at. */
  private static final long ROOM_CHECK_MS = 1000;

  public Spool(Path root) throws IOException {
    this(root, SpoolLimits.NONE);
  }

  public Spool(Path root, SpoolLimits limits) throws IOException {
    this.root = root;
    this.limits = limits;
    Files.createDirectories(root);
    AtomicFiles.ownerOnly(root);
  }

  /**
   * False while the spool is at its limits ({@link SpoolLimits}): the size of everything under the
   * spool, segments being written and set-aside ones included, and the disk's free space, looked at
   * once a second.
   */
  @Override
  public boolean hasRoom() {
    synchronized (roomLock) {
      long now = System.nanoTime() / 1_000_000;
      if (roomCheckedAt != Long.MIN_VALUE && now - roomCheckedAt < ROOM_CHECK_MS) {
        return !full;
      }
      roomCheckedAt = now;
      long used;
      long usable;
      long total;
      try {
        used = bytesUsed();
        FileStore store = Files.getFileStore(root);
        usable = store.getUsableSpace();
        total = store.getTotalSpace();
      } catch (IOException e) {
        log.warn("cannot tell how full the spool is, assuming room: {}", e.toString());
        return !full;
      }
      if (!full && limits.full(used, usable, total)) {
        full = true;
        log.warn(
            "spool is full ({} MiB used of {} MiB allowed, {}% of the disk free, {}% required):"
                + " capture pauses until uploads make room",
            used >> 20,
            limits.maxBytes() >> 20,
            total > 0 ? usable * 100 / total : 100,
            limits.minFreePercent());
      } else if (full && limits.roomAgain(used, usable, total)) {
        full = false;
        log.info("spool has room again ({} MiB used): capture resumes", used >> 20);
      }
      return !full;
    }
  }

  /**
   * Bytes of every file under the spool but the set-aside segments (kept for a person to look at,
   * never uploaded: counting them would keep a spool full for good).
   */
  public long bytesUsed() throws IOException {
    long[] sum = {0};
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return dir.getFileName() != null && dir.getFileName().toString().equals(REJECTED)
                ? FileVisitResult.SKIP_SUBTREE
                : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            sum[0] += attrs.size();
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // deleted by the uploader meanwhile
          }
        });
    return sum[0];
  }

  /** The recording whose segments are being written now, if any: the uploader's first. */
  public Optional<String> liveRecording() {
    return Optional.ofNullable(live);
  }

  public Path root() {
    return root;
  }

  /** Called after each segment is spooled (on the capture thread): wakes the uploader. */
  public void onSegmentSpooled(Runnable listener) {
    listeners.add(listener);
  }

  /**
   * Called after a recording's upload target changed (a server took it over): the uploader retries
   * at once.
   */
  public void onUploadTargetChanged(Consumer<String> listener) {
    targetListeners.add(listener);
  }

  /** Starts a recording's spool directory; its segments can be opened afterwards. */
  public void create(Manifest manifest) throws IOException {
    Path dir = dir(manifest.recordingId());
    Files.createDirectories(dir);
    AtomicFiles.ownerOnly(dir);
    writeManifest(manifest);
  }

  public Optional<Manifest> manifest(String recordingId) throws IOException {
    synchronized (manifestLock) {
      try {
        return Optional.of(
            JSON.readValue(dir(recordingId).resolve(MANIFEST).toFile(), Manifest.class));
      } catch (NoSuchFileException | java.io.FileNotFoundException e) {
        return Optional.empty();
      }
    }
  }

  /** Switches where a recording's remaining segments go (a new server adopted it). */
  public void updateUpload(String recordingId, String uploadUrl, String uploadToken)
      throws IOException {
    synchronized (manifestLock) {
      Manifest m =
          manifest(recordingId)
              .orElseThrow(() -> new NoSuchFileException("no spooled recording " + recordingId));
      writeManifest(m.withUpload(uploadUrl, uploadToken));
    }
    targetListeners.forEach(l -> l.accept(recordingId));
  }

  /**
   * Records the exact end of a recording's capture (the final segment's publication only
   * approximates it).
   */
  public void captureEnded(String recordingId, long endedAt) throws IOException {
    synchronized (manifestLock) {
      Optional<Manifest> m = manifest(recordingId);
      if (m.isPresent()) {
        writeManifest(m.get().withEndedAt(endedAt));
      }
    }
  }

  /** Recordings whose capture has ended but that still have segments in the spool, oldest first. */
  public List<Manifest> endedWithSegmentsLeft() throws IOException {
    List<Manifest> result = new ArrayList<>();
    for (String id : recordings()) {
      Optional<Manifest> m = manifest(id);
      if (m.isPresent() && m.get().captureEnded() && !segments(id).isEmpty()) {
        result.add(m.get());
      }
    }
    return result;
  }

  /** Recordings that have a spool directory, oldest first. */
  public List<String> recordings() throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.filter(d -> Limits.RECORDING_ID.matcher(d.getFileName().toString()).matches())
          .filter(d -> Files.isRegularFile(d.resolve(MANIFEST)))
          .sorted(Comparator.comparing(Spool::modified))
          .map(d -> d.getFileName().toString())
          .toList();
    }
  }

  /** Indices of a recording's spooled segments, ascending. */
  public List<Integer> segments(String recordingId) throws IOException {
    return indices(dir(recordingId), SEGMENT);
  }

  public Path segmentFile(String recordingId, int index) {
    return dir(recordingId).resolve(String.format("%07d.seg", index));
  }

  /** The server stored the segment durably: it leaves the spool. */
  public void delete(String recordingId, int index) throws IOException {
    Files.deleteIfExists(segmentFile(recordingId, index));
  }

  /** The server refused the segment for good: keep it aside, with its manifest, for a human. */
  public Path quarantine(String recordingId, int index) throws IOException {
    Path target = root.resolve(REJECTED).resolve(recordingId);
    Files.createDirectories(target);
    Optional<Manifest> m = manifest(recordingId);
    if (m.isPresent()) {
      AtomicFiles.write(target.resolve(MANIFEST), JSON.writeValueAsBytes(m.get()));
    }
    Path moved = target.resolve(segmentFile(recordingId, index).getFileName());
    AtomicFiles.moveIntoPlace(segmentFile(recordingId, index), moved);
    return moved;
  }

  /** True when the final segment is known and has left the spool (uploaded or set aside). */
  public boolean isFullyUploaded(String recordingId) throws IOException {
    Optional<Manifest> m = manifest(recordingId);
    if (m.isEmpty() || m.get().finalIndex() == null) {
      return false;
    }
    Path file = segmentFile(recordingId, m.get().finalIndex());
    // the temporary name first: the final segment moves from it to its real name atomically
    return !Files.exists(file.resolveSibling(file.getFileName() + ".tmp")) && !Files.exists(file);
  }

  /** Deletes a recording's spool directory once everything in it is uploaded. */
  public void remove(String recordingId) throws IOException {
    Path dir = dir(recordingId);
    if (!Files.exists(dir)) {
      return;
    }
    // one rename takes the whole recording out of the spool; its files go after, and what a crash
    // leaves of them is cleared by recover()
    Path removed = root.resolve(REMOVED_PREFIX + recordingId);
    Files.move(dir, removed, StandardCopyOption.ATOMIC_MOVE);
    deleteDirectory(removed);
  }

  /**
   * Removes a recording whose segments are all gone; a failure only leaves an empty folder behind.
   */
  public void removeQuietly(String recordingId) {
    try {
      remove(recordingId);
    } catch (IOException e) {
      log.warn("cannot remove the empty spool of {}: {}", recordingId, e.toString());
    }
  }

  private static void deleteDirectory(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }

  /**
   * Repairs what a crash or kill of the client left behind. Run once at start, before capturing. A
   * recording without a final index was cut off while capturing: the segment that was being written
   * is kept if its header made it to disk (readers decode it up to where it stops), and the last
   * spooled segment becomes the final one.
   */
  public void recover() throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path d :
          dirs.filter(d -> d.getFileName().toString().startsWith(REMOVED_PREFIX)).toList()) {
        deleteDirectory(d);
      }
    }
    for (String id : recordings()) {
      Path dir = dir(id);
      Manifest m = manifest(id).orElseThrow();
      List<Integer> committed = segments(id);
      int highest = committed.isEmpty() ? -1 : committed.get(committed.size() - 1);
      for (int tmpIndex : indices(dir, SEGMENT_TMP)) {
        Path tmp = dir.resolve(String.format("%07d.seg.tmp", tmpIndex));
        if (m.finalIndex() == null && tmpIndex > highest && hasValidHeader(tmp, id, tmpIndex)) {
          AtomicFiles.moveIntoPlace(tmp, segmentFile(id, tmpIndex));
          highest = tmpIndex;
          log.warn(
              "recording {}: kept segment {} that was being written when the client stopped",
              id,
              tmpIndex);
        } else {
          Files.deleteIfExists(tmp);
        }
      }
      if (m.finalIndex() == null) {
        if (highest < 0) {
          log.warn(
              "recording {} was cut off by a client stop after all its segments were uploaded;"
                  + " the server will not see a final segment",
              id);
          remove(id);
        } else {
          writeManifest(
              m.withFinalIndex(highest).withEndedAt(modifiedFile(segmentFile(id, highest))));
          log.warn(
              "recording {} was cut off by a client stop; segment {} is now its final one",
              id,
              highest);
        }
      }
    }
  }

  @Override
  public Output open(String recordingId, int index) throws IOException {
    Path dir = dir(recordingId);
    live = recordingId;
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      throw new NoSuchFileException("recording " + recordingId + " has no manifest in the spool");
    }
    return new SpooledSegment(
        this, recordingId, index, dir.resolve(String.format("%07d.seg.tmp", index)));
  }

  /** Called by a committed segment: its bytes are durable in {@code tmp}. */
  void publish(String recordingId, int index, Path tmp, boolean last) throws IOException {
    if (last) {
      // the final index must be known before the final segment can be seen, or the uploader
      // could send it without X-Segment-Final and the server would wait for more
      synchronized (manifestLock) {
        Manifest m =
            manifest(recordingId)
                .orElseThrow(() -> new NoSuchFileException("manifest of " + recordingId));
        Manifest ended = m.withFinalIndex(index);
        writeManifest(m.endedAt() == null ? ended.withEndedAt(System.currentTimeMillis()) : ended);
      }
    }
    AtomicFiles.moveIntoPlace(tmp, segmentFile(recordingId, index));
    if (last && recordingId.equals(live)) {
      live = null;
    }
    log.debug("recording {}: segment {} spooled{}", recordingId, index, last ? " (final)" : "");
    listeners.forEach(Runnable::run);
  }

  private void writeManifest(Manifest manifest) throws IOException {
    synchronized (manifestLock) {
      AtomicFiles.write(
          dir(manifest.recordingId()).resolve(MANIFEST), JSON.writeValueAsBytes(manifest));
    }
  }

  private Path dir(String recordingId) {
    // ids come from the network: only canonical UUIDs may become path names
    Limits.requireRecordingId(recordingId);
    return root.resolve(recordingId);
  }

  private static boolean hasValidHeader(Path file, String recordingId, int index) {
    try (InputStream in = Files.newInputStream(file);
        SegmentReader r = new SegmentReader(in)) {
      return r.header().recordingId().equals(recordingId) && r.header().segmentIndex() == index;
    } catch (CorruptSegmentException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Integer> indices(Path dir, Pattern pattern) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<Integer> result = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            Matcher m = pattern.matcher(f.getFileName().toString());
            if (m.matches()) {
              result.add(Integer.parseInt(m.group(1)));
            }
          });
    }
    result.sort(null);
    return result;
  }

  private static long modified(Path dir) {
    try {
      return Files.getLastModifiedTime(dir.resolve(MANIFEST)).toMillis();
    } catch (IOException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * When a cut-off recording's last segment was written: the best guess of when its capture ended.
   */
  private static long modifiedFile(Path file) {
    try {
      return Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      return System.currentTimeMillis();
    }
  }
}
