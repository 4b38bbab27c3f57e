package cz.zoom.screenrec.format;

/** What {@link SegmentReader#next()} yields, in capture order. */
public sealed interface SegmentEvent {

  /** Capture time of the event (UTC ms, client clock). */
  long time();

  /**
   * The whole picture of one screen at {@code time}. {@code rgb} holds 0xRRGGBB pixels row by row;
   * the reader reuses the array for the next frame of the same screen, so copy it to keep it.
   */
  record Frame(int screenId, long time, int width, int height, int[] rgb, boolean keyframe)
      implements SegmentEvent {}

  /** Mouse pointer position on the virtual desktop. */
  record Cursor(long time, int x, int y) implements SegmentEvent {}

  /** No frames from {@code time} to {@code until}, for {@code reason}. */
  record Gap(long time, long until, GapReason reason) implements SegmentEvent {}

  /**
   * The segment ends early: the rest is missing or corrupt. Nothing after {@code time} is
   * trustworthy; the reader yields this once and then null.
   */
  record Truncated(long time, String reason) implements SegmentEvent {}

  /** The segment's trailer: it ended cleanly at {@code time}. */
  record End(long time, int frames) implements SegmentEvent {}
}
