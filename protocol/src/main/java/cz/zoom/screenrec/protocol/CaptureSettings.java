package cz.zoom.screenrec.protocol;

import java.util.List;

/**
 * How the client captures, pushed by the server in WELCOME and START.
 *
 * @param framesPerSecond capture rate, 1..30
 * @param scaleDivisor 1 for full resolution, 2 for half
 * @param keyframeIntervalMs longest time between two key frames
 * @param segmentDurationMs how much capture time one segment holds before it is cut and spooled
 * @param screens ids of the monitors to record; empty means all
 * @param maxKbps the agent's upload budget in kbit/s, averaged over any 10 s; 0 (what a server
 *     before the budget sends, by leaving it out) means none
 */
public record CaptureSettings(
    int framesPerSecond,
    int scaleDivisor,
    long keyframeIntervalMs,
    long segmentDurationMs,
    List<Integer> screens,
    Integer maxKbps) {

  /** Lowest budget a server may set: below it even a quiet screen's key frames do not fit. */
  public static final int MIN_KBPS = 50;

  public static final CaptureSettings DEFAULT =
      new CaptureSettings(5, 1, 10_000, 5_000, List.of(), 1000);

  public CaptureSettings {
    screens = screens == null ? List.of() : List.copyOf(screens);
    maxKbps = maxKbps == null ? 0 : maxKbps;
  }

  /** Settings without a budget, as a server before the budget sent them. */
  public CaptureSettings(
      int framesPerSecond,
      int scaleDivisor,
      long keyframeIntervalMs,
      long segmentDurationMs,
      List<Integer> screens) {
    this(framesPerSecond, scaleDivisor, keyframeIntervalMs, segmentDurationMs, screens, 0);
  }

  /** The same settings with another budget. */
  public CaptureSettings withMaxKbps(Integer kbps) {
    return new CaptureSettings(
        framesPerSecond, scaleDivisor, keyframeIntervalMs, segmentDurationMs, screens, kbps);
  }

  public void validate() {
    Limits.requireRange("capture.framesPerSecond", framesPerSecond, 1, 30);
    Limits.requireRange("capture.scaleDivisor", scaleDivisor, 1, 2);
    Limits.requireRange("capture.keyframeIntervalMs", keyframeIntervalMs, 1_000, 600_000);
    Limits.requireRange("capture.segmentDurationMs", segmentDurationMs, 1_000, 600_000);
    Limits.requireRange("capture.screens", screens.size(), 0, Limits.MAX_SCREENS);
    if (maxKbps != 0) {
      Limits.requireRange("capture.maxKbps", maxKbps, MIN_KBPS, 1_000_000);
    }
    for (Integer id : screens) {
      if (id == null) {
        throw new ProtocolException(ErrorCode.BAD_MESSAGE, "capture.screens must hold screen ids");
      }
      Limits.requireRange("capture.screens[]", id, 0, Limits.MAX_SCREENS - 1);
    }
  }
}
