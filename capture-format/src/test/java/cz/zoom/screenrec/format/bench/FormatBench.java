package cz.zoom.screenrec.format.bench;

import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.format.SegmentWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Micro harness, not a test: writes each workload's frames at 1920x1080 and reports bytes and
 * thread CPU per frame for writing and reading. Run with {@code mvn -q -o test-compile -pl
 * capture-format} then {@code java -cp
 * capture-format/target/classes:capture-format/target/test-classes
 * cz.zoom.screenrec.format.bench.FormatBench [frames] [dirty]}. The first (key) frame is reported
 * apart; per-frame figures are over the delta frames.
 */
public final class FormatBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  public static void main(String[] args) throws Exception {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    boolean dirty = args.length > 1 && args[1].equals("dirty");
    List<Workloads.Workload> all =
        List.of(
            Workloads.staticScreen(),
            Workloads.typing(),
            Workloads.scrolling(),
            Workloads.fullChange());
    // Warm up the JIT on every workload, then measure.
    for (Workloads.Workload w : all) {
      run(w, Math.min(frames, 20), dirty);
    }
    System.out.printf(
        Locale.ROOT,
        "%-12s %8s %10s %12s %12s %10s %10s%n",
        "workload",
        "frames",
        "key bytes",
        "bytes/frame",
        "write ms/fr",
        "read ms/fr",
        "key ms");
    for (Workloads.Workload w : all) {
      Result r = run(w, frames, dirty);
      System.out.printf(
          Locale.ROOT,
          "%-12s %8d %10d %12.0f %12.3f %10.3f %10.2f%n",
          w.name(),
          frames,
          r.keyBytes,
          r.deltaBytes / (double) (frames - 1),
          r.writeNanos / 1e6 / (frames - 1),
          r.readNanos / 1e6 / (frames - 1),
          r.keyNanos / 1e6);
    }
  }

  record Result(long keyBytes, long deltaBytes, long keyNanos, long writeNanos, long readNanos) {}

  static Result run(Workloads.Workload w, int frames, boolean dirty) throws Exception {
    ScreenLayout screen = new ScreenLayout(0, 0, 0, Workloads.W, Workloads.H);
    SegmentHeader header = new SegmentHeader("bench", 0, 1_700_000_000_000L, List.of(screen));
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 << 20);
    int[] rgb = new int[Workloads.W * Workloads.H];
    List<int[]> checks = new ArrayList<>();
    long keyBytes = 0;
    long keyNanos = 0;
    long writeNanos = 0;
    long deltaBytes = 0;
    try (SegmentWriter sw = new SegmentWriter(out, header)) {
      for (int i = 0; i < frames; i++) {
        int[] rects = w.frame(i, rgb);
        long before = sw.bytesWritten();
        long t0 = THREADS.getCurrentThreadCpuTime();
        if (dirty && i > 0 && rects != null) {
          sw.writeFrame(0, header.startedAt() + i * 200L, rgb, false, rects);
        } else {
          sw.writeFrame(0, header.startedAt() + i * 200L, rgb, false);
        }
        long spent = THREADS.getCurrentThreadCpuTime() - t0;
        if (i == 0) {
          keyBytes = sw.bytesWritten() - before;
          keyNanos = spent;
        } else {
          writeNanos += spent;
          deltaBytes += sw.bytesWritten() - before;
        }
        if (i % 10 == 0 || i == frames - 1) {
          int[] copy = rgb.clone();
          for (int k = 0; k < copy.length; k++) {
            copy[k] &= 0xFFFFFF; // Java2D leaves 0xFF in the unused top byte; the format drops it
          }
          checks.add(copy);
        }
      }
    }
    byte[] bytes = out.toByteArray();
    long readNanos = 0;
    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(bytes))) {
      int i = 0;
      int c = 0;
      long t0 = THREADS.getCurrentThreadCpuTime();
      long keyRead = 0;
      for (SegmentEvent e = r.next(); e != null; e = r.next()) {
        if (e instanceof SegmentEvent.Frame f) {
          if (i == 0) {
            keyRead = THREADS.getCurrentThreadCpuTime() - t0;
          }
          if (i % 10 == 0 || i == frames - 1) {
            long p = THREADS.getCurrentThreadCpuTime();
            if (!Arrays.equals(f.rgb(), checks.get(c++))) {
              throw new AssertionError(
                  w.name() + ": frame " + i + " does not decode to what was written");
            }
            t0 += THREADS.getCurrentThreadCpuTime() - p;
          }
          i++;
        } else if (e instanceof SegmentEvent.Truncated t) {
          throw new AssertionError(w.name() + ": " + t.reason());
        }
      }
      readNanos = THREADS.getCurrentThreadCpuTime() - t0 - keyRead;
    }
    return new Result(keyBytes, deltaBytes, keyNanos, writeNanos, readNanos);
  }
}
