package cz.zoom.screenrec.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SegmentRoundTripTest {
  private static final SegmentHeader HEADER =
      new SegmentHeader("rec-1", 0, 1000, List.of(new ScreenLayout(0, 0, 0, 130, 70)));

  @Test
  void framesDecodeToExactlyThePixelsWritten() throws Exception {
    int[] a = new int[130 * 70];
    Arrays.fill(a, 0xFF0000);
    int[] b = a.clone();
    b[129 + 69 * 130] = 0x00FF00; // last pixel, in a partial tile
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SegmentWriter w = new SegmentWriter(bytes, HEADER)) {
      w.writeFrame(0, 1000, a, false);
      w.writeFrame(0, 1200, b, false);
      w.writeGap(1200, 1500, GapReason.PAUSED);
      w.close(1500);
    }
    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(r.header()).isEqualTo(HEADER);
      List<SegmentEvent> events = r.readAll();
      assertThat(events).hasSize(4);
      assertThat(((SegmentEvent.Frame) events.get(0)).rgb()).isEqualTo(a);
      assertThat(((SegmentEvent.Frame) events.get(1)).rgb()).isEqualTo(b);
      assertThat(((SegmentEvent.Frame) events.get(1)).keyframe()).isFalse();
      assertThat(events.get(2)).isEqualTo(new SegmentEvent.Gap(1200, 1500, GapReason.PAUSED));
      assertThat(events.get(3)).isEqualTo(new SegmentEvent.End(1500, 2));
    }
  }

  @Test
  void truncatedSegmentDecodesUpToTheDamage() throws Exception {
    int[] a = new int[130 * 70];
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SegmentWriter w = new SegmentWriter(bytes, HEADER)) {
      w.writeFrame(0, 1000, a, true);
      a[5] = 0xFFFFFF;
      w.writeFrame(0, 1100, a, false);
    }
    byte[] whole = bytes.toByteArray();
    byte[] cut = Arrays.copyOf(whole, whole.length - 20);
    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(cut))) {
      List<SegmentEvent> events = r.readAll();
      assertThat(events.get(0)).isInstanceOf(SegmentEvent.Frame.class);
      assertThat(events.get(events.size() - 1)).isInstanceOf(SegmentEvent.Truncated.class);
    }
  }

  @Test
  void aScrollTravelsAsAMoveAndTheUncoveredStrip() throws Exception {
    int w = 640;
    int h = 480;
    java.util.Random rnd = new java.util.Random(1);
    int[] page = new int[w * (h + 40)];
    for (int i = 0; i < page.length; i++) {
      page[i] = rnd.nextInt(8) == 0 ? 0x202020 : 0xFFFFFF; // sparse "text" on white
    }
    int[] a = Arrays.copyOfRange(page, 0, w * h);
    int[] b = Arrays.copyOfRange(page, w * 40, w * (h + 40));
    SegmentHeader header =
        new SegmentHeader("rec-2", 0, 1000, List.of(new ScreenLayout(0, 0, 0, w, h)));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    long keyBytes;
    long deltaBytes;
    try (SegmentWriter sw = new SegmentWriter(bytes, header)) {
      sw.writeFrame(0, 1000, a, true);
      keyBytes = sw.bytesWritten();
      sw.writeFrame(0, 1200, b, false);
      deltaBytes = sw.bytesWritten() - keyBytes;
    }
    // Without the move every tile would be new, costing about a key frame (which is deflated
    // harder than a delta); with it only the 40 uncovered rows are.
    assertThat(deltaBytes).isLessThan(keyBytes / 4);
    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(bytes.toByteArray()))) {
      List<SegmentEvent> events = r.readAll();
      assertThat(((SegmentEvent.Frame) events.get(0)).rgb()).isEqualTo(a);
      assertThat(((SegmentEvent.Frame) events.get(1)).rgb()).isEqualTo(b);
    }
  }

  @Test
  void dirtyRectanglesSpareTheUntouchedTilesACompare() throws Exception {
    int[] a = new int[130 * 70];
    int[] b = a.clone();
    b[10] = 0x123456; // inside the reported rectangle
    b[129 + 69 * 130] = 0x654321; // outside it: the platform said nothing changed there
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SegmentWriter w = new SegmentWriter(bytes, HEADER)) {
      w.writeFrame(0, 1000, a, false);
      w.writeFrame(0, 1200, b, false, List.of(new java.awt.Rectangle(0, 0, 20, 20)));
    }
    int[] expected = a.clone();
    expected[10] = 0x123456;
    try (SegmentReader r = new SegmentReader(new ByteArrayInputStream(bytes.toByteArray()))) {
      List<SegmentEvent> events = r.readAll();
      assertThat(((SegmentEvent.Frame) events.get(1)).rgb()).isEqualTo(expected);
    }
  }
}
