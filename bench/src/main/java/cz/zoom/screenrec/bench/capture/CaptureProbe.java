package cz.zoom.screenrec.bench.capture;

import cz.zoom.screenrec.client.budget.UploadBudget;
import cz.zoom.screenrec.client.capture.Recorder;
import cz.zoom.screenrec.client.capture.RecordingSpec;
import cz.zoom.screenrec.client.capture.RecordingSummary;
import cz.zoom.screenrec.client.capture.ScreenCapture;
import cz.zoom.screenrec.client.capture.ScreenImage;
import cz.zoom.screenrec.client.capture.ScreenSource;
import cz.zoom.screenrec.client.capture.ScreenSources;
import cz.zoom.screenrec.client.capture.SegmentSink;
import cz.zoom.screenrec.client.capture.XDamageScreenSource;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.protocol.CaptureSettings;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Our capture path in its own JVM, as {@link CaptureBench} measures it: the client's screen source
 * (chosen as the client chooses it) and {@link Recorder} writing segments into a spool-like
 * directory (write, fsync, rename on commit). Driven over stdin: prints READY, starts on GO, stops
 * on STOP and prints one RESULT line.
 *
 * <p>With {@code --verify} every capture is checked against an independent full grab taken while
 * the X server is held, and every captured picture is written with its time to {@code captures.bin}
 * (screen id u8, time i64, width u16, height u16, RGB bytes), so the bench can compare the decoded
 * segments with what was captured: exactly where they are lossless, by PSNR where a moving region
 * was coded lossy.
 *
 * <pre>
 * java ... CaptureProbe --out DIR [--fps 5] [--scale 1] [--keyframe-ms 60000] [--segment-ms 60000]
 *     [--max-kbps 1000] [--verify]
 * </pre>
 */
public final class CaptureProbe {
  private CaptureProbe() {}

  public static void main(String[] args) throws Exception {
    Path out = null;
    int fps = 5;
    int scale = 1;
    long keyframeMs = 60_000;
    long segmentMs = 60_000;
    boolean verify = false;
    int maxKbps = 1000;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--fps" -> fps = Integer.parseInt(args[++i]);
        case "--scale" -> scale = Integer.parseInt(args[++i]);
        case "--keyframe-ms" -> keyframeMs = Long.parseLong(args[++i]);
        case "--segment-ms" -> segmentMs = Long.parseLong(args[++i]);
        case "--verify" -> verify = true;
        case "--max-kbps" -> maxKbps = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(out);
    ScreenSource opened = ScreenSources.open();
    Verifier verifier = verify ? new Verifier(opened, out.resolve("captures.bin")) : null;
    ScreenSource source = verifier != null ? verifier : opened;
    Recorder recorder = new Recorder(source, new DirSink(out), new UploadBudget(maxKbps));
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    System.out.println("READY " + opened.describe());
    System.out.flush();
    expect(in, "GO");
    String id = UUID.randomUUID().toString();
    CaptureSettings settings =
        new CaptureSettings(fps, scale, keyframeMs, segmentMs, List.of(), maxKbps);
    recorder
        .start(new RecordingSpec(id, "bench"), settings)
        .join()
        .ifPresent(
            e -> {
              throw new IllegalStateException(e);
            });
    expect(in, "STOP");
    RecordingSummary summary = recorder.stop(id, "bench").get().orElseThrow();
    recorder.close();
    long[] counters = opened instanceof XDamageScreenSource x ? x.counters() : new long[] {-1, -1};
    StringBuilder result =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "RESULT {\"source\":\"%s\",\"segments\":%d,\"startedAt\":%d,\"endedAt\":%d,\"fetches\":%d,\"fetchedPixels\":%d",
                opened.describe(),
                summary.segmentCount(),
                summary.startedAt(),
                summary.endedAt(),
                counters[0],
                counters[1]));
    if (verifier != null) {
      verifier.close();
      result.append(
          String.format(
              Locale.ROOT,
              ",\"verifiedCaptures\":%d,\"verifiedPixels\":%d,\"exactPixels\":%d,"
                  + "\"squaredError\":%d",
              verifier.captures,
              verifier.pixels,
              verifier.exact,
              verifier.squaredError));
    }
    result.append('}');
    System.out.println(result);
    System.out.flush();
    opened.close();
    System.exit(0);
  }

  private static void expect(BufferedReader in, String word) throws IOException {
    String line;
    while ((line = in.readLine()) != null) {
      if (line.trim().equals(word)) {
        return;
      }
    }
    throw new IOException("stdin closed before " + word);
  }

  /** Segment files as the spool keeps them: written to a temporary name, fsynced, renamed. */
  private record DirSink(Path dir) implements SegmentSink {
    @Override
    public Output open(String recordingId, int index) throws IOException {
      Path tmp = dir.resolve(String.format("%06d.seg.tmp", index));
      Path done = dir.resolve(String.format("%06d.seg", index));
      OutputStream stream = Files.newOutputStream(tmp);
      return new Output() {
        @Override
        public OutputStream stream() {
          return stream;
        }

        @Override
        public void commit(boolean last) throws IOException {
          stream.close();
          try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
          }
          Files.move(tmp, done, StandardCopyOption.ATOMIC_MOVE);
        }

        @Override
        public void abort() {
          try {
            stream.close();
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // best effort
          }
        }
      };
    }
  }

  /** Checks each capture against an independent full grab of the held X server. */
  private static final class Verifier implements ScreenSource {
    private final ScreenSource inner;
    private final XDamageScreenSource x;
    private final DataOutputStream captured;
    private final byte[] row = new byte[4 * 16384];
    long captures;
    long pixels;
    long exact;
    long squaredError;

    Verifier(ScreenSource inner, Path file) throws IOException {
      this.inner = inner;
      this.x = inner instanceof XDamageScreenSource d ? d : null;
      this.captured =
          new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), 1 << 20));
    }

    @Override
    public List<ScreenLayout> screens() {
      return inner.screens();
    }

    @Override
    public ScreenImage grab(int screenId) {
      return capture(screenId).image();
    }

    @Override
    public ScreenCapture capture(int screenId) {
      // the recorder takes a frame's time just before it asks for the capture
      long time = System.currentTimeMillis();
      ScreenCapture c;
      ScreenImage reference;
      if (x != null) {
        x.holdServer(true);
        try {
          c = x.capture(screenId);
          reference = x.grabUntracked(screenId);
        } finally {
          x.holdServer(false);
        }
      } else {
        c = inner.capture(screenId);
        reference = c.image();
      }
      int[] a = c.image().rgb();
      int[] b = reference.rgb();
      int n = c.image().width() * c.image().height();
      for (int i = 0; i < n; i++) {
        int p = a[i];
        int q = b[i];
        if (((p ^ q) & 0xFFFFFF) == 0) {
          exact++;
        } else {
          int dr = ((p >> 16) & 0xFF) - ((q >> 16) & 0xFF);
          int dg = ((p >> 8) & 0xFF) - ((q >> 8) & 0xFF);
          int db = (p & 0xFF) - (q & 0xFF);
          squaredError += dr * dr + dg * dg + db * db;
        }
      }
      pixels += n;
      captures++;
      keep(screenId, time, a, c.image().width(), c.image().height());
      return c;
    }

    private void keep(int screenId, long time, int[] rgb, int width, int height) {
      try {
        captured.writeByte(screenId);
        captured.writeLong(time);
        captured.writeShort(width);
        captured.writeShort(height);
        for (int y = 0; y < height; y++) {
          int k = 0;
          for (int xx = 0; xx < width; xx++) {
            int p = rgb[y * width + xx];
            row[k++] = (byte) (p >> 16);
            row[k++] = (byte) (p >> 8);
            row[k++] = (byte) p;
          }
          captured.write(row, 0, k);
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public String describe() {
      return inner.describe() + ", verified";
    }

    @Override
    public void close() {
      try {
        captured.close();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
