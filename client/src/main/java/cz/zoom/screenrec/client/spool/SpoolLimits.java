package cz.zoom.screenrec.client.spool;

/**
 * How much of the agent's disk the spool may take: at most {@code maxBytes} of segments, and
 * nothing while less than {@code minFreePercent} of the disk is free. At the limit capture pauses
 * with a DISK_FULL gap; it resumes once the spool is back under 90 % of {@code maxBytes} and the
 * disk has a point more than {@code minFreePercent} free, so that one uploaded segment does not
 * make it flap between a key frame and a gap.
 */
public record SpoolLimits(long maxBytes, int minFreePercent) {
  public static final SpoolLimits DEFAULT = new SpoolLimits(2048L << 20, 10);

  /** No limit but the disk itself (tests, tools). */
  public static final SpoolLimits NONE = new SpoolLimits(Long.MAX_VALUE, 0);

  public SpoolLimits {
    if (maxBytes < 1 << 20) {
      throw new IllegalArgumentException("--spool-max-mb must be at least 1");
    }
    if (minFreePercent < 0 || minFreePercent > 90) {
      throw new IllegalArgumentException("--spool-min-free-percent must be 0..90");
    }
  }

  /** From the flags, in MiB and percent. */
  public static SpoolLimits of(long maxMb, int minFreePercent) {
    if (maxMb < 1 || maxMb > Long.MAX_VALUE >> 20) {
      throw new IllegalArgumentException("--spool-max-mb must be at least 1, was " + maxMb);
    }
    return new SpoolLimits(maxMb << 20, minFreePercent);
  }

  boolean full(long used, long usable, long total) {
    return used >= maxBytes - headroom()
        || (total > 0 && usable * 100 < (long) minFreePercent * total);
  }

  /**
   * Kept free below {@link #maxBytes}: the spool is looked at once a second and the segment in
   * progress is committed as it is, so a second or two of capture lands after it filled (the budget
   * bench, 1080p video at 2.5 Mbit/s: 360 KB over a 64 MiB spool before this headroom).
   */
  long headroom() {
    return Math.min(maxBytes / 20, Math.max(1L << 20, maxBytes / 100));
  }

  boolean roomAgain(long used, long usable, long total) {
    return used <= maxBytes / 10 * 9
        && (minFreePercent == 0
            || total <= 0
            || usable * 100 >= (long) (minFreePercent + 1) * total);
  }
}
