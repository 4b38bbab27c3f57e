package cz.zoom.screenrec.client.spool;

import picocli.CommandLine.Option;

/** The spool's bounds as command-line flags, the same for the client and the service. */
public final class SpoolLimitOptions {
  @Option(
      names = "--spool-max-mb",
      paramLabel = "N",
      description =
          "Most the spool may hold, in MiB; at the limit capture pauses with a DISK_FULL gap until"
              + " uploads make room, and nothing captured is deleted (default: ${DEFAULT-VALUE}).")
  private long maxMb = SpoolLimits.DEFAULT.maxBytes() >> 20;

  @Option(
      names = "--spool-min-free-percent",
      paramLabel = "P",
      description =
          "Pause capture (a DISK_FULL gap) while less than P % of the spool's disk is free"
              + " (default: ${DEFAULT-VALUE}).")
  private int minFreePercent = SpoolLimits.DEFAULT.minFreePercent();

  /** The limits the flags say; IllegalArgumentException for values out of range. */
  public SpoolLimits limits() {
    return SpoolLimits.of(maxMb, minFreePercent);
  }
}
