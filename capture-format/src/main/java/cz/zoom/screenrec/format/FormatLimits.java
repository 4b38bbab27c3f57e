package cz.zoom.screenrec.format;

/**
 * Bounds every segment stays within (docs/capture-format.md, section "Limits"). The reader checks
 * each length and count against them before it allocates, so a hostile or damaged segment cannot
 * make it allocate more than these allow.
 */
public final class FormatLimits {
  /** Longest recording id, in characters. */
  public static final int MAX_RECORDING_ID = 64;

  /** Most screens in one segment. */
  public static final int MAX_SCREENS = 16;

  /** Largest width or height of one screen. */
  public static final int MAX_SCREEN_SIDE = 16384;

  /**
   * Most pixels of all screens of a segment together: 4 monitors of 3840x2160 or 16 of 1920x1080. A
   * reader holds one int per pixel, so this caps its picture memory at 128 MiB.
   */
  public static final int MAX_TOTAL_PIXELS = 1 << 25;

  /** Largest record body; a key frame of MAX_TOTAL_PIXELS incompressible pixels still fits. */
  public static final int MAX_RECORD = 128 * 1024 * 1024;

  private FormatLimits() {}
}
