package cz.zoom.screenrec.format.video;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.format.CorruptSegmentException;
import cz.zoom.screenrec.format.RegionCodec;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.format.VideoRegions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Version 3 segments, whose VIDEO records go to a native decoder, fed damaged and hostile: the
 * reader must end with End or Truncated, never throw, hang or crash, never yield a frame that
 * differs from the undamaged segment's before the damage, and a hostile picture (valid checksum,
 * garbage inside) may change nothing outside its region.
 */
class VideoSegmentFuzzTest {
  static final int W = 448;
  static final int H = 320;

  /** The video window; its region is at most the tile rectangle 0..320 x 0..256 around it. */
  static final int VX = 20;

  static final int VY = 16;
  static final int VW = 256;
  static final int VH = 192;

  private static final ExecutorService READER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true);
            return t;
          });

  /** Made on first use, after this class is initialised: its reads run on the reader thread. */
  private static final class Fixture {
    static final byte[] SEGMENT = segment();
    static final List<SegmentEvent.Frame> FRAMES = read(SEGMENT).frames;
  }

  @AfterContainer
  static void stopReader() {
    READER.shutdownNow();
  }

  record Outcome(boolean headerRejected, List<SegmentEvent.Frame> frames, SegmentEvent last) {}

  @Example
  void theSegmentHasVideoRecordsAndDecodesToItsEnd() {
    assertThat(records(Fixture.SEGMENT).stream().filter(r -> r[0] == 4).count()).isGreaterThan(5);
    Outcome o = read(Fixture.SEGMENT);
    assertThat(o.last()).isInstanceOf(SegmentEvent.End.class);
    assertThat(o.frames()).hasSize(24);
  }

  @Property(tries = 400)
  void flippedBytesYieldOnlyTheOriginalFrames(@ForAll long seed) {
    Random rnd = new Random(seed);
    byte[] bytes = Fixture.SEGMENT.clone();
    for (int i = 0, n = 1 + rnd.nextInt(4); i < n; i++) {
      bytes[rnd.nextInt(bytes.length)] ^= (byte) (1 << rnd.nextInt(8));
    }
    Outcome o = read(bytes);
    if (o.headerRejected()) {
      return;
    }
    assertThat(o.last()).isInstanceOfAny(SegmentEvent.End.class, SegmentEvent.Truncated.class);
    assertThat(o.frames().size()).isLessThanOrEqualTo(Fixture.FRAMES.size());
    for (int i = 0; i < o.frames().size(); i++) {
      assertThat(o.frames().get(i).rgb()).isEqualTo(Fixture.FRAMES.get(i).rgb());
    }
  }

  @Property(tries = 300)
  void hostilePicturesWithValidChecksumsChangeNothingOutsideTheirRegion(@ForAll long seed) {
    Random rnd = new Random(seed);
    byte[] bytes = Fixture.SEGMENT.clone();
    List<int[]> videos = records(bytes).stream().filter(r -> r[0] == 4).toList();
    int[] victim = videos.get(rnd.nextInt(videos.size()));
    int pictureAt = victim[1] + 5 + 21;
    int pictureLength = victim[2] - 21;
    if (pictureLength > 0) {
      for (int i = 0, n = 1 + rnd.nextInt(40); i < n; i++) {
        int at = pictureAt + rnd.nextInt(pictureLength);
        bytes[at] =
            rnd.nextInt(3) == 0 ? (byte) rnd.nextInt() : (byte) (bytes[at] ^ 1 << rnd.nextInt(8));
      }
    }
    fixCrc(bytes, victim);
    Outcome o = read(bytes);
    assertThat(o.last()).isInstanceOfAny(SegmentEvent.End.class, SegmentEvent.Truncated.class);
    for (int i = 0; i < o.frames().size(); i++) {
      int[] got = o.frames().get(i).rgb();
      int[] want = Fixture.FRAMES.get(i).rgb();
      for (int y = 0; y < H; y++) {
        for (int x = 0; x < W; x++) {
          if (x >= 320 || y >= 256) {
            assertThat(got[y * W + x]).isEqualTo(want[y * W + x]);
          }
        }
      }
    }
  }

  @Example
  void hostileRegionFieldsEndTheSegmentAsTruncated() {
    int[] firstVideo =
        records(Fixture.SEGMENT).stream().filter(r -> r[0] == 4).findFirst().orElseThrow();
    int body = firstVideo[1] + 5;
    // field offsets in the VIDEO body: x 10, y 12, w 14, h 16, codedW 18, codedH 20, codec 22
    int[][] edits = {
      {10, 32}, // x not on a tile
      {14, 4000}, // wider than the screen
      {18, 250}, // coded wider than the region
      {18, 0}, // coded width 0
      {22, 9 << 8}, // unknown codec (u8 at 22, written as the high byte of a u16)
      {1, 0}, // the first picture is not a key
      {1, 2}, // an end without an open stream
    };
    for (int[] edit : edits) {
      byte[] bytes = Fixture.SEGMENT.clone();
      ByteBuffer.wrap(bytes).putShort(body + edit[0] - (edit[0] == 1 ? 1 : 0), (short) edit[1]);
      if (edit[0] == 1) {
        bytes[body + 1] = (byte) edit[1];
        bytes[body] = 0;
      }
      fixCrc(bytes, firstVideo);
      Outcome o = read(bytes);
      assertThat(o.last())
          .as("edit %s", Arrays.toString(edit))
          .isInstanceOf(SegmentEvent.Truncated.class);
      // the frames before the damaged record are kept, none after it
      long before =
          records(Fixture.SEGMENT).stream().filter(r -> r[0] == 1 && r[1] < firstVideo[1]).count();
      assertThat(o.frames()).as("edit %s", Arrays.toString(edit)).hasSize((int) before);
    }
  }

  @Example
  void aVideoRecordInAVersion2SegmentIsCorrupt() {
    byte[] bytes = Fixture.SEGMENT.clone();
    bytes[5] = 2;
    Outcome o = read(bytes);
    assertThat(o.last()).isInstanceOf(SegmentEvent.Truncated.class);
    assertThat(((SegmentEvent.Truncated) o.last()).reason())
        .contains("VIDEO record in a version 2");
  }

  @Example
  void everyPrefixKeepsTheWholeRecordsBeforeTheCut() {
    List<int[]> records = records(Fixture.SEGMENT);
    int previous = 0;
    for (int[] r : records) {
      for (int cut : new int[] {r[1], r[1] + 5 + r[2] / 2, r[1] + 8 + r[2]}) {
        Outcome o = read(Arrays.copyOf(Fixture.SEGMENT, cut));
        assertThat(o.last()).isInstanceOf(SegmentEvent.Truncated.class);
        assertThat(o.frames().size()).isGreaterThanOrEqualTo(previous);
        previous = o.frames().size();
        for (int i = 0; i < o.frames().size(); i++) {
          assertThat(o.frames().get(i).rgb()).isEqualTo(Fixture.FRAMES.get(i).rgb());
        }
      }
    }
  }

  // ---- fixtures

  /** A text screen with a grainy moving picture in it, 24 frames, lossy VIDEO records. */
  static byte[] segment() {
    try {
      RegionCodec codec = RegionCodec.find(Vp8Codec.ID).orElseThrow();
      VideoRegions regions = new VideoRegions(codec, new VideoRegions.Quality(400, 1, 1));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Random rnd = new Random(3);
      int[] px = new int[W * H];
      Arrays.fill(px, 0xEEEEEE);
      long t0 = 1_700_000_000_000L;
      try (SegmentWriter w =
          new SegmentWriter(
              out,
              new SegmentHeader("rec-fuzz", 0, t0, List.of(new ScreenLayout(0, 0, 0, W, H))),
              regions)) {
        for (int f = 0; f < 24; f++) {
          for (int y = 0; y < VH; y++) {
            for (int x = 0; x < VW; x++) {
              int v = (int) (60 * Math.sin((x + f * 5) / 13.0) + 50 * Math.cos((y - f * 3) / 11.0));
              int g = rnd.nextInt(9) - 4;
              px[(VY + y) * W + VX + x] =
                  clamp(120 + v + g) << 16 | clamp(110 - v / 2 + g) << 8 | clamp(100 + x / 2 + g);
            }
          }
          px[(260 + f) * W + 400] = 0x102030; // a little text changing beside the video
          w.writeFrame(0, t0 + f * 200L, px, f == 0);
        }
      }
      return out.toByteArray();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** Each record: type, offset of its envelope, body length. */
  static List<int[]> records(byte[] seg) {
    ByteBuffer b = ByteBuffer.wrap(seg);
    List<int[]> out = new ArrayList<>();
    int at = 8 + (b.getShort(6) & 0xFFFF) + 4;
    while (at + 9 <= seg.length) {
      int length = b.getInt(at + 1);
      out.add(new int[] {seg[at] & 0xFF, at, length});
      at += 9 + length;
    }
    return out;
  }

  static void fixCrc(byte[] seg, int[] record) {
    CRC32 crc = new CRC32();
    crc.update(seg[record[1]]);
    crc.update(seg, record[1] + 5, record[2]);
    ByteBuffer.wrap(seg).putInt(record[1] + 5 + record[2], (int) crc.getValue());
  }

  static Outcome read(byte[] bytes) {
    try {
      return READER
          .submit(
              () -> {
                List<SegmentEvent.Frame> frames = new ArrayList<>();
                SegmentEvent last = null;
                try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(bytes))) {
                  for (SegmentEvent e = r.next(); e != null; e = r.next()) {
                    if (e instanceof SegmentEvent.Frame f) {
                      frames.add(
                          new SegmentEvent.Frame(
                              f.screenId(),
                              f.time(),
                              f.width(),
                              f.height(),
                              f.rgb().clone(),
                              f.keyframe()));
                    }
                    last = e;
                  }
                } catch (CorruptSegmentException e) {
                  return new Outcome(true, List.of(), null);
                }
                return new Outcome(false, frames, last);
              })
          .get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the reader threw or hung", e);
    }
  }
}
