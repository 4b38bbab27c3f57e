package cz.zoom.screenrec.server.replay;

import com.fasterxml.jackson.core.type.TypeReference;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.server.http.Json;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.replay.CallMedia.Gap;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.server.storage.OwnerOnly;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gaps recorded inside segments (paused, capture lost, client restarted, failover), which only a
 * full read of every segment reveals. That read is slow for a long call, so it runs once per
 * recording in the background and is cached in {@code <recording>/replay-gaps.json}; until then the
 * replay shows the recording without them.
 */
public final class SegmentGaps implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SegmentGaps.class);
  private static final String FILE = "replay-gaps.json";

  /**
   * Gaps of one reason this close together are one stretch on the timeline: a capture failing every
   * other frame is one lost stretch, not hundreds (and a segment stating thousands cannot bury the
   * lane).
   */
  static final long MERGE_WITHIN_MS = 1_000;

  private final LocalMediaStore media;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "segment-gaps");
            t.setDaemon(true);
            return t;
          });

  public SegmentGaps(LocalMediaStore media) {
    this.media = media;
  }

  /** The recording's in-segment gaps in server time, or an empty list while they are being read. */
  public List<Gap> gaps(Recording r, List<Segment> segments) {
    if (r.status() != RecordingStatus.READY) {
      return List.of();
    }
    Path file = media.recordingDir(r.id()).resolve(FILE);
    if (Files.isRegularFile(file)) {
      try {
        return Json.MAPPER.readValue(file.toFile(), new TypeReference<List<Gap>>() {});
      } catch (IOException e) {
        log.warn("{} of recording {} is unreadable; reading the segments again", FILE, r.id());
      }
    }
    if (pending.add(r.id())) {
      worker.submit(
          () -> {
            try {
              write(file, read(r, segments));
            } catch (IOException | RuntimeException e) {
              log.warn("reading the gaps of recording {} failed: {}", r.id(), e.toString());
            } finally {
              pending.remove(r.id());
            }
          });
    }
    return List.of();
  }

  private List<Gap> read(Recording r, List<Segment> segments) throws IOException {
    List<Gap> gaps = new ArrayList<>();
    for (Segment s : segments) {
      Path seg = media.segmentPath(r.id(), s.index());
      if (!Files.isRegularFile(seg)) {
        continue;
      }
      try (InputStream in = Files.newInputStream(seg);
          SegmentReader reader = SegmentReader.withoutPictures(in)) {
        for (SegmentEvent e = reader.next(); e != null; e = reader.next()) {
          if (e instanceof SegmentEvent.Gap g) {
            String reason =
                switch (g.reason()) {
                  case PAUSED -> "PAUSED";
                  case FAILOVER -> "FAILOVER";
                  case DISK_FULL -> "DISK_FULL";
                  default -> "CAPTURE_LOST";
                };
            add(gaps, g.time() + r.clockOffsetMs(), g.until() + r.clockOffsetMs(), reason);
          }
        }
      } catch (IOException e) {
        log.debug("segment {} of {} unreadable: {}", s.index(), r.id(), e.toString());
      }
    }
    return gaps;
  }

  static void add(List<Gap> gaps, long from, long to, String reason) {
    Gap last = gaps.isEmpty() ? null : gaps.get(gaps.size() - 1);
    if (last != null
        && last.reason().equals(reason)
        && from >= last.from()
        && from <= last.to() + MERGE_WITHIN_MS) {
      gaps.set(gaps.size() - 1, new Gap(last.from(), Math.max(last.to(), to), reason, null, null));
    } else {
      gaps.add(new Gap(from, to, reason, null, null));
    }
  }

  private static void write(Path file, List<Gap> gaps) throws IOException {
    Path tmp = file.resolveSibling("." + FILE + ".part");
    Json.MAPPER.writeValue(tmp.toFile(), gaps);
    OwnerOnly.restrict(tmp);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
