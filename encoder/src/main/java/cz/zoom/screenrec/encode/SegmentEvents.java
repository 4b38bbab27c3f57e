package cz.zoom.screenrec.encode;

import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The frames and gaps of a recording's segments, one after another, with one event of look-ahead.
 * Damage never ends the stream: an unreadable segment is skipped and a truncated one simply has no
 * more events; both are logged. Holds one segment open at a time.
 */
final class SegmentEvents implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(SegmentEvents.class);

  private final Iterator<Path> paths;
  private SegmentReader reader;
  private Path current;
  private SegmentEvent pending;
  private int skipped;
  private int truncated;

  SegmentEvents(List<Path> segments) {
    this.paths = segments.iterator();
  }

  /**
   * The next frame or gap without consuming it, or null at the end. A frame's pixels stay valid
   * until {@link #consume()}, because the reader reuses them only when asked for the next event.
   */
  SegmentEvent peek() {
    while (pending == null) {
      if (reader == null && !openNext()) {
        return null;
      }
      SegmentEvent e;
      try {
        e = reader.next();
      } catch (IOException | RuntimeException ex) {
        log.warn("segment {} cannot be read further: {}", current.getFileName(), ex.toString());
        truncated++;
        closeReader();
        continue;
      }
      if (e == null) {
        closeReader();
      } else if (e instanceof SegmentEvent.Truncated t) {
        log.warn(
            "segment {} is damaged after capture time {}: {}; the rest of it is treated as no new frames",
            current.getFileName(),
            t.time(),
            t.reason());
        truncated++;
        closeReader();
      } else if (e instanceof SegmentEvent.Frame || e instanceof SegmentEvent.Gap) {
        pending = e;
      }
    }
    return pending;
  }

  void consume() {
    pending = null;
  }

  /** Segments skipped because their header could not be read. */
  int skipped() {
    return skipped;
  }

  /** Segments that ended early because of damage. */
  int truncated() {
    return truncated;
  }

  private boolean openNext() {
    while (paths.hasNext()) {
      Path p = paths.next();
      InputStream in = null;
      try {
        in = Files.newInputStream(p);
        reader = new SegmentReader(in);
        current = p;
        return true;
      } catch (IOException | RuntimeException ex) {
        log.warn("segment {} is skipped: {}", p.getFileName(), ex.getMessage());
        skipped++;
        if (in != null) {
          try {
            in.close();
          } catch (IOException ignored) {
            // nothing more to lose
          }
        }
      }
    }
    return false;
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // read-only; nothing to flush
      }
      reader = null;
    }
  }

  @Override
  public void close() {
    pending = null;
    closeReader();
  }
}
