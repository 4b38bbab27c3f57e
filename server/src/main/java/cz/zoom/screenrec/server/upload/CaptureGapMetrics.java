package cz.zoom.screenrec.server.upload;

import cz.zoom.screenrec.format.GapReason;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counts the gaps clients record, by reason, as their segments arrive: {@code
 * screenrec_capture_gaps_total{reason}} and {@code screenrec_capture_gap_seconds_total{reason}}. A
 * DISK_FULL count that grows says some desktops spool more than they can upload.
 */
final class CaptureGapMetrics {
  private final Map<GapReason, Counter> gaps = new EnumMap<>(GapReason.class);
  private final Map<GapReason, Counter> seconds = new EnumMap<>(GapReason.class);

  CaptureGapMetrics(MeterRegistry metrics) {
    for (GapReason r : GapReason.values()) {
      gaps.put(r, metrics.counter("screenrec.capture.gaps", "reason", r.name()));
      seconds.put(r, metrics.counter("screenrec.capture.gap.seconds", "reason", r.name()));
    }
  }

  /**
   * Reads the stored segment's gaps (no pictures are decoded); a damaged one counts what it has.
   */
  void count(Path segment) throws IOException {
    try (InputStream in = Files.newInputStream(segment);
        SegmentReader reader = SegmentReader.withoutPictures(in)) {
      for (SegmentEvent e = reader.next(); e != null; e = reader.next()) {
        if (e instanceof SegmentEvent.Gap g) {
          gaps.get(g.reason()).increment();
          seconds.get(g.reason()).increment(Math.max(0, g.until() - g.time()) / 1000.0);
        }
      }
    }
  }
}
