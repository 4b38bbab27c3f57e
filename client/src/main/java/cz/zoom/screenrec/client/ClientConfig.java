package cz.zoom.screenrec.client;

import cz.zoom.screenrec.client.control.FailbackPolicy;
import cz.zoom.screenrec.client.spool.SpoolLimits;
import cz.zoom.screenrec.protocol.Limits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the Capture Client was started with: its agent, the ordered server list (the first is the
 * primary), where it spools segments, and how it behaves when servers fail. Validated on
 * construction, so a running client never holds a config the server would reject.
 *
 * @param failback whether to go back to a host earlier in the list once it answers again
 * @param failbackInterval how often a client on a fail-over server checks the hosts before it
 * @param orphanLimit how long a recording whose server went away is captured on without a server
 *     adopting it
 * @param spoolLimits how much of the disk the spool may take before capture pauses
 */
public record ClientConfig(
    String agent,
    List<ServerAddress> hosts,
    Path spoolDir,
    FailbackPolicy failback,
    Duration failbackInterval,
    Duration orphanLimit,
    SpoolLimits spoolLimits) {

  public static final FailbackPolicy DEFAULT_FAILBACK = FailbackPolicy.WHEN_IDLE;
  public static final Duration DEFAULT_FAILBACK_INTERVAL = Duration.ofSeconds(30);
  public static final Duration DEFAULT_ORPHAN_LIMIT = Duration.ofMinutes(10);

  /** The protocol's HELLO.hostIndex is 0..63. */
  public static final int MAX_HOSTS = 64;

  public ClientConfig {
    if (agent == null || agent.isEmpty()) {
      throw new IllegalArgumentException("-agent NAME is required");
    }
    if (!Limits.NAME.matcher(agent).matches()) {
      throw new IllegalArgumentException(
          "-agent '"
              + agent
              + "' is not valid: use 1-"
              + Limits.MAX_NAME_LENGTH
              + " characters of letters, digits and . _ @ : -, not only dots");
    }
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one -host HOST[:PORT] is required");
    }
    if (hosts.size() > MAX_HOSTS) {
      throw new IllegalArgumentException("at most " + MAX_HOSTS + " -host entries are allowed");
    }
    hosts = List.copyOf(hosts);
    if (spoolDir == null) {
      throw new IllegalArgumentException("--spool DIR must not be empty");
    }
    spoolDir = spoolDir.toAbsolutePath().normalize();
    if (failback == null) {
      failback = DEFAULT_FAILBACK;
    }
    if (failbackInterval == null) {
      failbackInterval = DEFAULT_FAILBACK_INTERVAL;
    }
    if (failbackInterval.toMillis() < 1_000) {
      throw new IllegalArgumentException("--failback-interval must be at least 1 second");
    }
    if (orphanLimit == null) {
      orphanLimit = DEFAULT_ORPHAN_LIMIT;
    }
    if (orphanLimit.isNegative()) {
      throw new IllegalArgumentException("--orphan-limit must not be negative");
    }
    if (spoolLimits == null) {
      spoolLimits = SpoolLimits.DEFAULT;
    }
  }

  /** Without spool limits of its own: the defaults. */
  public ClientConfig(
      String agent,
      List<ServerAddress> hosts,
      Path spoolDir,
      FailbackPolicy failback,
      Duration failbackInterval,
      Duration orphanLimit) {
    this(agent, hosts, spoolDir, failback, failbackInterval, orphanLimit, null);
  }

  /** The legacy settings: agent, hosts and spool; fail-over behaviour as by default. */
  public ClientConfig(String agent, List<ServerAddress> hosts, Path spoolDir) {
    this(agent, hosts, spoolDir, null, null, null, null);
  }

  public static Path defaultSpoolDir() {
    return Path.of(System.getProperty("user.home"), ".screenrec", "spool");
  }
}
