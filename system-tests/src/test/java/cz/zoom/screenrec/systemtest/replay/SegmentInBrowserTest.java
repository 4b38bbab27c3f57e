package cz.zoom.screenrec.systemtest.replay;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.GapReason;
import cz.zoom.screenrec.format.RegionCodec;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.format.VideoRegions;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.SyntheticScreen;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The browser's capture-format decoder ({@code replay/assets/js/segment.js}) on Debian's Chromium,
 * against what the client wrote and the Java reader reads: text screens to the exact pixel, a
 * version-3 VIDEO region through WebCodecs within its bound, a damaged segment as a truncation.
 */
class SegmentInBrowserTest {
  static final int W = 640;
  static final int H = 384;
  static final long T0 = 1_700_000_000_000L;

  /** Decodes a base64 segment and answers what it saw, one line an event, frames by CRC. */
  static final String DECODE =
      """
      const [b64, wantPixels, done] = arguments;
      (async () => {
        const { SegmentDecoder, crc32 } = await import('/replay/assets/js/segment.js');
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        const lines = [];
        const pixels = [];
        for await (const e of new SegmentDecoder(bytes).events()) {
          if (e.type === 'frame') {
            const rgb = new Uint8Array(e.picture.length / 4 * 3);
            for (let i = 0, j = 0; i < e.picture.length; i += 4, j += 3) {
              rgb[j] = e.picture[i]; rgb[j + 1] = e.picture[i + 1]; rgb[j + 2] = e.picture[i + 2];
            }
            lines.push('frame ' + e.screen + ' ' + e.time + ' ' + e.key + ' ' + crc32(rgb).toString(16));
            if (wantPixels) {
              let s = '';
              for (let i = 0; i < rgb.length; i += 0x8000) s += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
              pixels.push(btoa(s));
            }
          } else if (e.type === 'gap') {
            lines.push('gap ' + e.from + ' ' + e.until + ' ' + e.reason);
          } else if (e.type === 'cursor') {
            lines.push('cursor ' + e.time + ' ' + e.x + ' ' + e.y);
          } else if (e.type === 'end') {
            lines.push('end ' + e.endTime + ' ' + e.frames);
          } else if (e.type === 'truncated') {
            lines.push('truncated ' + e.time);
            console.log('truncated: ' + e.reason);
          } else if (e.type === 'header') {
            lines.push('header ' + e.recordingId + ' ' + e.segmentIndex + ' ' + e.screens.length);
          }
        }
        return { lines, pixels };
      })().then(done, (err) => done({ error: String(err && err.stack || err) }));
      """;

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();
  @RegisterExtension static final Browsers browsers = new Browsers();

  static ServerProcess server;

  @BeforeAll
  static void startServer() {
    server = processes.add(ServerProcess.builder().start());
  }

  @Test
  void textScreensDecodeToExactlyThePixelsTheJavaReaderGives() throws Exception {
    byte[] segment = textSegment();
    Map<String, Object> got = decodeInBrowser(segment, false);
    assertThat(got.get("lines")).isEqualTo(javaLines(segment));
    assertThat(javaLines(segment)).filteredOn(l -> l.startsWith("frame")).hasSize(18);
  }

  @Test
  void aVideoRegionPlaysThroughWebCodecsWithinItsBound() throws Exception {
    List<int[]> captured = new ArrayList<>();
    byte[] segment = videoSegment(captured);
    Map<String, Object> got = decodeInBrowser(segment, true);
    @SuppressWarnings("unchecked")
    List<String> pixels = (List<String>) got.get("pixels");
    assertThat(pixels).as("%s", got.get("lines")).hasSize(captured.size());
    int[] region = videoTiles();
    List<Double> psnrs = new ArrayList<>();
    for (int f = 0; f < captured.size(); f++) {
      byte[] rgb = Base64.getDecoder().decode(pixels.get(f));
      int[] want = captured.get(f);
      double se = 0;
      long inside = 0;
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          int p = want[y * W + x];
          int i = (y * W + x) * 3;
          boolean lossy = x >= region[0] && x < region[2] && y >= region[1] && y < region[3];
          for (int c = 0; c < 3; c++) {
            int d = ((p >> (16 - 8 * c)) & 0xFF) - (rgb[i + c] & 0xFF);
            if (lossy) {
              se += d * d;
            } else {
              assertThat(d).as("frame %d pixel %d,%d outside the video", f, x, y).isZero();
            }
          }
          inside += lossy ? 3 : 0;
        }
      }
      if (f > 4 && inside > 0) {
        double psnr = se == 0 ? 99 : 10 * Math.log10(255.0 * 255 * inside / se);
        // the browser's own YUV to RGB (drawImage of a VideoFrame) is a little rougher than the
        // server's (the Java round trip in capture-video holds 35)
        assertThat(psnr).as("frame %d video PSNR", f).isGreaterThan(30);
        psnrs.add(psnr);
      }
    }
    assertThat(psnrs.stream().mapToDouble(d -> d).average().orElseThrow())
        .as("mean video PSNR of %s", psnrs)
        .isGreaterThan(32);
    // the video was coded lossy, not as tiles: otherwise this test would prove nothing
    assertThat(segment.length).isLessThan(captured.size() * 256 * 192 * 3 / 4);
  }

  @Test
  void aDamagedRecordEndsTheSegmentAsATruncationWhereTheJavaReaderStops() throws Exception {
    byte[] segment = textSegment();
    byte[] damaged = segment.clone();
    damaged[damaged.length * 2 / 3] ^= 0x5A;
    List<String> java = javaLines(damaged);
    assertThat(java.get(java.size() - 1)).startsWith("truncated");
    Map<String, Object> got = decodeInBrowser(damaged, false);
    assertThat(got.get("lines")).isEqualTo(java);
  }

  @Test
  void bytesThatAreNotASegmentAreRefusedWithAClearError() throws Exception {
    Map<String, Object> got = decodeInBrowser("not a segment at all".getBytes(), false);
    assertThat(String.valueOf(got.get("error"))).contains("not a segment");
  }

  private Map<String, Object> decodeInBrowser(byte[] segment, boolean pixels) {
    Browser b = browsers.start(server.httpUri());
    b.open("/replay/login");
    Map<String, Object> got =
        b.jsAsync(DECODE, Base64.getEncoder().encodeToString(segment), pixels);
    return got;
  }

  /** What the Java reader reads, in the lines the page answers. */
  static List<String> javaLines(byte[] segment) throws Exception {
    List<String> lines = new ArrayList<>();
    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(segment))) {
      SegmentHeader h = r.header();
      lines.add("header " + h.recordingId() + " " + h.segmentIndex() + " " + h.screens().size());
      for (SegmentEvent e; (e = r.next()) != null; ) {
        if (e instanceof SegmentEvent.Frame f) {
          byte[] rgb = new byte[f.width() * f.height() * 3];
          int[] px = f.rgb();
          for (int i = 0; i < px.length; i++) {
            rgb[3 * i] = (byte) (px[i] >> 16);
            rgb[3 * i + 1] = (byte) (px[i] >> 8);
            rgb[3 * i + 2] = (byte) px[i];
          }
          CRC32 crc = new CRC32();
          crc.update(rgb);
          lines.add(
              "frame "
                  + f.screenId()
                  + " "
                  + f.time()
                  + " "
                  + f.keyframe()
                  + " "
                  + Long.toHexString(crc.getValue()));
        } else if (e instanceof SegmentEvent.Gap g) {
          lines.add("gap " + g.time() + " " + g.until() + " " + g.reason());
        } else if (e instanceof SegmentEvent.Cursor c) {
          lines.add("cursor " + c.time() + " " + c.x() + " " + c.y());
        } else if (e instanceof SegmentEvent.End end) {
          lines.add("end " + end.time() + " " + end.frames());
        } else if (e instanceof SegmentEvent.Truncated t) {
          lines.add("truncated " + t.time());
        }
      }
    }
    return lines;
  }

  /**
   * Two monitors of text: typing (XOR and RAW tiles), a scroll (a move), a photo (SUB tiles), a
   * pause and the pointer.
   */
  static byte[] textSegment() throws Exception {
    Random rnd = new Random(3);
    int[] a = SCREEN.text(rnd);
    int[] b = SCREEN.text(rnd);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<ScreenLayout> layouts =
        List.of(new ScreenLayout(0, 0, 0, W, H), new ScreenLayout(1, W, 0, W, H));
    try (SegmentWriter w = new SegmentWriter(out, new SegmentHeader("rec-text", 4, T0, layouts))) {
      long t = T0;
      w.writeFrame(0, t, a, true);
      w.writeFrame(1, t, b, true);
      for (int f = 1; f < 8; f++) {
        t += 200;
        for (int i = 0; i < 12; i++) {
          SCREEN.glyph(a, 20 + f * 40 + i * 6, 100, 0x1040A0);
        }
        if (f == 3) {
          // a scroll by 24 rows of screen 1, the new strip painted
          System.arraycopy(b.clone(), 24 * W, b, 0, (H - 24) * W);
          Arrays.fill(b, (H - 24) * W, H * W, 0xF4F4F4);
          SCREEN.glyph(b, 30, H - 16, 0x202020);
        }
        if (f == 5) {
          for (int i = 0; i < W * H; i++) {
            b[i] = rnd.nextInt(0x1000000); // a photo: every pixel differs from its neighbour
          }
        }
        w.writeCursor(t, 100 + f, 50 + f);
        w.writeFrame(0, t, a, false);
        w.writeFrame(1, t, b, false);
      }
      w.writeGap(t + 100, t + 1100, GapReason.DISK_FULL);
      t += 1200;
      w.writeFrame(0, t, a, true);
      w.writeFrame(1, t, b, true);
      w.close(t + 500);
    }
    return out.toByteArray();
  }

  /** Text around a moving, grainy picture that the writer codes as VP8 (format 3). */
  static byte[] videoSegment(List<int[]> captured) throws Exception {
    RegionCodec codec = RegionCodec.find(1).orElseThrow();
    VideoRegions regions = new VideoRegions(codec, new VideoRegions.Quality(800, 1, 1));
    Random rnd = new Random(5);
    int[] screen = SCREEN.text(rnd);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (SegmentWriter w =
        new SegmentWriter(
            out,
            new SegmentHeader("rec-video", 0, T0, List.of(new ScreenLayout(0, 0, 0, W, H))),
            regions)) {
      for (int f = 0; f < 20; f++) {
        SCREEN.paintVideo(screen, f, rnd);
        if (f % 3 == 0) {
          SCREEN.glyph(screen, 10 + f * 7, 360, 0x202020);
        }
        w.writeFrame(0, T0 + f * 200L, screen, f == 0);
        captured.add(screen.clone());
      }
    }
    assertThat(regions.failure()).isNull();
    return out.toByteArray();
  }

  static final int VX = 150;
  static final int VY = 90;
  static final int VW = 300;
  static final int VH = 200;
  static final SyntheticScreen SCREEN = new SyntheticScreen(W, H, VX, VY, VW, VH);

  /** The tiles under the video window: x0, y0, x1, y1. */
  static int[] videoTiles() {
    return new int[] {
      VX / 64 * 64, VY / 64 * 64, Math.min(W, (VX + VW + 63) / 64 * 64), (VY + VH + 63) / 64 * 64
    };
  }
}
