package cz.zoom.screenrec.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * The reader is fed to the server's encoder straight from the network: whatever bytes it gets, it
 * must end with a Truncated event (or a CorruptSegmentException from the constructor), never throw
 * anything else, never hang, never allocate far beyond the input and the screens' pictures, and
 * never yield a frame that differs from what the writer wrote.
 */
class SegmentReaderFuzzTest {
  /** Each read runs on this thread so that a hang fails the try instead of the build. */
  private static final ExecutorService READER =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "fuzz-reader");
            t.setDaemon(true);
            return t;
          });

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  @AfterContainer
  static void stopReader() {
    READER.shutdownNow();
  }

  /** What one read produced. */
  record Outcome(boolean headerRejected, List<SegmentEvent> events, long allocated) {
    List<SegmentEvent.Frame> frames() {
      List<SegmentEvent.Frame> frames = new ArrayList<>();
      for (SegmentEvent e : events) {
        if (e instanceof SegmentEvent.Frame f) {
          frames.add(f);
        }
      }
      return frames;
    }

    SegmentEvent last() {
      return events.isEmpty() ? null : events.get(events.size() - 1);
    }
  }

  @Property(tries = 3000)
  void randomBytesNeverBreakTheReader(@ForAll("noise") byte[] bytes) throws Exception {
    Outcome o = read(bytes, false);
    assertEndsProperly(o, bytes);
  }

  @Property(tries = 2000)
  void randomRecordsAfterAValidHeaderNeverBreakTheReader(
      @ForAll long seed, @ForAll("noise") byte[] tail) throws Exception {
    Random rnd = new Random(seed);
    byte[] bytes =
        concat(
            header(
                List.of(
                    new ScreenLayout(
                        rnd.nextInt(3), 0, 0, 1 + rnd.nextInt(200), 1 + rnd.nextInt(150)))),
            tail);
    Outcome o = read(bytes, false);
    assertThat(o.headerRejected()).isFalse();
    assertEndsProperly(o, bytes);
  }

  @Property(tries = 3000)
  void mutatedSegmentsYieldOnlyOriginalFrames(
      @ForAll long seed, @ForAll("mutation") Mutation mutation) throws Exception {
    checkMutated(SegmentFixtures.randomSegment(seed), mutation);
  }

  @Property(tries = 1000)
  void mutatedVersion1SegmentsYieldOnlyOriginalFrames(
      @ForAll long seed, @ForAll("mutation") Mutation mutation) throws Exception {
    checkMutated(SegmentFixtures.randomSegment(seed, true), mutation);
  }

  @Property(tries = 500)
  void unmutatedSegmentsOfBothVersionsDecodeExactly(@ForAll long seed, @ForAll boolean version1)
      throws Exception {
    SegmentFixtures.Written w = SegmentFixtures.randomSegment(seed, version1);
    Outcome o = read(w.bytes(), false);
    assertThat(o.last()).isInstanceOf(SegmentEvent.End.class);
    assertThat(o.frames()).hasSameSizeAs(w.frames());
    for (int i = 0; i < w.frames().size(); i++) {
      assertSameFrame(o.frames().get(i), w.frames().get(i));
    }
  }

  private static void checkMutated(SegmentFixtures.Written w, Mutation mutation) throws Exception {
    byte[] bytes = mutation.apply(w.bytes());
    Outcome o = read(bytes, true);
    assertEndsProperly(o, bytes);
    if (o.headerRejected()) {
      assertThat(mutation.offset(w.bytes().length)).isLessThan(headerLength(w.bytes()));
      return;
    }
    List<SegmentEvent.Frame> got = o.frames();
    assertThat(got.size()).isLessThanOrEqualTo(w.frames().size());
    for (int i = 0; i < got.size(); i++) {
      assertSameFrame(got.get(i), w.frames().get(i));
    }
    if (o.last() instanceof SegmentEvent.End) {
      assertThat(got).hasSameSizeAs(w.frames());
    }
    assertThat(o.allocated()).isLessThan(allocationBound(bytes.length, w.pixels()));
  }

  @Property(tries = 200)
  void truncationAtEveryOffsetClassKeepsEveryWholeRecord(
      @ForAll long seed, @ForAll boolean version1) throws Exception {
    SegmentFixtures.Written w = SegmentFixtures.randomSegment(seed, version1);
    byte[] whole = w.bytes();
    int previousFrames = 0;
    for (int cut : cutPoints(whole)) {
      Outcome o = read(Arrays.copyOf(whole, cut), false);
      if (cut < headerLength(whole)) {
        assertThat(o.headerRejected()).isTrue();
        continue;
      }
      assertThat(o.last()).isInstanceOf(SegmentEvent.Truncated.class);
      List<SegmentEvent.Frame> got = o.frames();
      // A longer prefix never yields fewer frames, and each is the one written.
      assertThat(got.size()).isGreaterThanOrEqualTo(previousFrames);
      previousFrames = got.size();
      for (int i = 0; i < got.size(); i++) {
        assertSameFrame(got.get(i), w.frames().get(i));
      }
    }
    Outcome all = read(whole, false);
    assertThat(all.last()).isInstanceOf(SegmentEvent.End.class);
    assertThat(all.frames()).hasSameSizeAs(w.frames());
  }

  /**
   * Every offset of the header, and for each record: its start, inside its type and length, the
   * start, middle and last byte of its body, and inside its checksum (ascending).
   */
  static List<Integer> cutPoints(byte[] segment) {
    List<Integer> cuts = new ArrayList<>();
    int header = headerLength(segment);
    for (int i = 0; i < header; i++) {
      cuts.add(i);
    }
    int at = header;
    while (at + 5 <= segment.length) {
      int length =
          (segment[at + 1] & 0xFF) << 24
              | (segment[at + 2] & 0xFF) << 16
              | (segment[at + 3] & 0xFF) << 8
              | (segment[at + 4] & 0xFF);
      int bodyAt = at + 5;
      for (int c :
          new int[] {
            at,
            at + 1,
            at + 3,
            bodyAt,
            bodyAt + length / 2,
            bodyAt + length - 1,
            bodyAt + length,
            bodyAt + length + 3
          }) {
        if (c < segment.length && (cuts.isEmpty() || c > cuts.get(cuts.size() - 1))) {
          cuts.add(c);
        }
      }
      at = bodyAt + length + 4;
    }
    return cuts;
  }

  @Example
  void aZipBombInflatesOnlyWhatTheTilesNeed() throws Exception {
    ScreenLayout screen = new ScreenLayout(0, 0, 0, 64, 64);
    // Bitmap (one tile), mode RAW, then 100 MiB where the tile needs 12 KiB.
    byte[] plain = new byte[100 * 1024 * 1024];
    plain[0] = 1;
    plain[1] = Wire.MODE_RAW;
    byte[] bomb = deflate(plain);
    ByteArrayOutputStream rec = new ByteArrayOutputStream();
    DataOutputStream r = new DataOutputStream(rec);
    r.writeByte(0);
    r.writeByte(Wire.FLAG_KEY);
    r.writeLong(1000);
    r.writeShort(64);
    r.writeShort(64);
    r.writeByte(0);
    r.write(bomb);
    byte[] bytes = concat(header(List.of(screen)), record(Wire.FRAME, rec.toByteArray()));
    Outcome o = read(bytes, false);
    assertThat(o.events().get(0)).isInstanceOf(SegmentEvent.Frame.class);
    assertThat(o.last()).isInstanceOf(SegmentEvent.Truncated.class);
    assertThat(o.allocated()).isLessThan(allocationBound(bytes.length, 64 * 64));
  }

  @Example
  void aHugeDeclaredRecordCostsOnlyTheBytesThatArrive() throws Exception {
    byte[] bytes =
        concat(
            header(List.of(new ScreenLayout(0, 0, 0, 8192, 4096))),
            new byte[] {Wire.FRAME, 0x07, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3});
    Outcome o = read(bytes, false);
    assertThat(o.last()).isInstanceOf(SegmentEvent.Truncated.class);
    assertThat(o.allocated()).isLessThan(1024 * 1024);
  }

  @Example
  void optionalRecordsAreSkippedAndUnknownCriticalOnesStop() throws Exception {
    ScreenLayout screen = new ScreenLayout(0, 0, 0, 8, 8);
    ByteArrayOutputStream end = new ByteArrayOutputStream();
    new DataOutputStream(end).writeLong(5000);
    new DataOutputStream(end).writeInt(0);
    byte[] head = header(List.of(screen));
    Outcome skipped =
        read(
            concat(
                head,
                record((byte) 0x90, new byte[] {1, 2, 3}),
                record(Wire.END, end.toByteArray())),
            false);
    assertThat(skipped.events()).containsExactly(new SegmentEvent.End(5000, 0));
    Outcome stopped =
        read(
            concat(
                head,
                record((byte) 0x40, new byte[] {1, 2, 3}),
                record(Wire.END, end.toByteArray())),
            false);
    assertThat(stopped.events()).singleElement().isInstanceOf(SegmentEvent.Truncated.class);
  }

  @Example
  void headersOutsideTheLimitsAreRejected() throws Exception {
    // Each screen is allowed, together they exceed FormatLimits.MAX_TOTAL_PIXELS.
    byte[] bytes =
        header(
            List.of(
                new ScreenLayout(0, 0, 0, 16384, 16384), new ScreenLayout(1, 0, 0, 16384, 16384)));
    assertThat(read(bytes, false).headerRejected()).isTrue();
  }

  // ---- helpers

  private static long allocationBound(int inputLength, int pixels) {
    // Fixed buffers (stream 64 KiB, body 64 KiB, tile, inflater) plus at most twice the input for
    // the record buffer, one int per pixel for the pictures, and the Frame copies readAll keeps.
    return 1024 * 1024 + 4L * inputLength + 8L * pixels * 16;
  }

  private static void assertEndsProperly(Outcome o, byte[] bytes) {
    if (o.headerRejected()) {
      return;
    }
    assertThat(o.last()).isInstanceOfAny(SegmentEvent.End.class, SegmentEvent.Truncated.class);
    // Every record takes at least 9 bytes, so a reader that yields more events is looping.
    assertThat(o.events().size()).isLessThanOrEqualTo(bytes.length / 9 + 1);
    for (int i = 0; i < o.events().size() - 1; i++) {
      assertThat(o.events().get(i))
          .isNotInstanceOfAny(SegmentEvent.End.class, SegmentEvent.Truncated.class);
    }
  }

  private static void assertSameFrame(SegmentEvent.Frame got, SegmentEvent.Frame want) {
    assertThat(got.screenId()).isEqualTo(want.screenId());
    assertThat(got.time()).isEqualTo(want.time());
    assertThat(got.width()).isEqualTo(want.width());
    assertThat(got.height()).isEqualTo(want.height());
    assertThat(got.keyframe()).isEqualTo(want.keyframe());
    assertThat(Arrays.equals(got.rgb(), want.rgb()))
        .as("pixels of frame at %d", want.time())
        .isTrue();
  }

  /** Reads on the reader thread with a deadline; any exception but the allowed one fails. */
  private static Outcome read(byte[] bytes, boolean measure) throws Exception {
    Future<Outcome> f =
        READER.submit(
            () -> {
              long tid = Thread.currentThread().getId();
              long before = THREADS.getThreadAllocatedBytes(tid);
              try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(bytes))) {
                List<SegmentEvent> events = r.readAll();
                assertThat(r.next()).isNull();
                return new Outcome(false, events, THREADS.getThreadAllocatedBytes(tid) - before);
              } catch (CorruptSegmentException e) {
                return new Outcome(true, List.of(), THREADS.getThreadAllocatedBytes(tid) - before);
              }
            });
    try {
      return f.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      f.cancel(true);
      throw new AssertionError("reader hangs on " + bytes.length + " bytes");
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("reader threw " + e.getCause(), e.getCause());
    }
  }

  static int headerLength(byte[] segment) {
    return 8 + ((segment[6] & 0xFF) << 8 | (segment[7] & 0xFF)) + 4;
  }

  static byte[] header(List<ScreenLayout> screens) throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(h);
    d.writeUTF("rec");
    d.writeInt(0);
    d.writeLong(1000);
    d.writeByte(screens.size());
    for (ScreenLayout s : screens) {
      d.writeByte(s.id());
      d.writeInt(s.x());
      d.writeInt(s.y());
      d.writeShort(s.width());
      d.writeShort(s.height());
    }
    byte[] hb = h.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(out);
    o.writeInt(Wire.MAGIC);
    o.writeShort(Wire.VERSION);
    o.writeShort(hb.length);
    o.write(hb);
    CRC32 crc = new CRC32();
    crc.update(hb);
    o.writeInt((int) crc.getValue());
    return out.toByteArray();
  }

  static byte[] record(byte type, byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream o = new DataOutputStream(out);
    o.writeByte(type);
    o.writeInt(body.length);
    o.write(body);
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(body);
    o.writeInt((int) crc.getValue());
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    Deflater d = new Deflater(9);
    d.setInput(data);
    d.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    while (!d.finished()) {
      out.write(buf, 0, d.deflate(buf));
    }
    d.end();
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  // ---- generators

  @Provide
  Arbitrary<byte[]> noise() {
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    // Random bytes rarely get past the magic; half of them start like a segment.
    Arbitrary<byte[]> magic = random.map(b -> concat(new byte[] {0x53, 0x52, 0x43, 0x46, 0, 1}, b));
    return Arbitraries.oneOf(random, magic);
  }

  @Provide
  Arbitrary<Mutation> mutation() {
    return Arbitraries.of(MutationKind.class)
        .flatMap(kind -> Arbitraries.longs().map(s -> new Mutation(kind, s)));
  }

  enum MutationKind {
    BIT_FLIP,
    MANY_BIT_FLIPS,
    TRUNCATE,
    INSERT,
    DELETE,
    OVERWRITE,
    DUPLICATE_RANGE
  }

  /** A damage applied at a position chosen from the seed, relative to the segment's size. */
  record Mutation(MutationKind kind, long seed) {
    int offset(int length) {
      return (int) Math.floorMod(seed, (long) Math.max(1, length));
    }

    byte[] apply(byte[] original) {
      Random rnd = new Random(seed);
      byte[] b = original.clone();
      int at = offset(b.length);
      switch (kind) {
        case BIT_FLIP -> b[at] ^= (byte) (1 << rnd.nextInt(8));
        case MANY_BIT_FLIPS -> {
          for (int i = 0, n = 2 + rnd.nextInt(8); i < n; i++) {
            int p = Math.min(b.length - 1, at + rnd.nextInt(64));
            b[p] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
        case TRUNCATE -> b = Arrays.copyOf(b, at);
        case INSERT -> {
          byte[] extra = new byte[1 + rnd.nextInt(8)];
          rnd.nextBytes(extra);
          b = concat(Arrays.copyOf(b, at), extra, Arrays.copyOfRange(b, at, b.length));
        }
        case DELETE -> {
          int n = Math.min(b.length - at, 1 + rnd.nextInt(8));
          b = concat(Arrays.copyOf(b, at), Arrays.copyOfRange(b, at + n, b.length));
        }
        case OVERWRITE -> {
          for (int i = at, n = Math.min(b.length, at + 1 + rnd.nextInt(16)); i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
          }
        }
        case DUPLICATE_RANGE -> {
          int n = Math.min(b.length - at, 1 + rnd.nextInt(8));
          b = concat(Arrays.copyOf(b, at + n), Arrays.copyOfRange(b, at, b.length));
        }
      }
      return b;
    }
  }
}
