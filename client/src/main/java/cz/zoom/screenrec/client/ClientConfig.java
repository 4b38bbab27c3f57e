package cz.zoom.screenrec.client;

import cz.zoom.screenrec.protocol.Limits;
import java.nio.file.Path;
import java.util.List;

/**
 * What the Capture Client was started with: its agent, the ordered server list (the first is the
 * primary) and where it spools segments. Validated on construction, so a running client never
 * holds a config the server would reject.
 */
public record ClientConfig(String agent, List<ServerAddress> hosts, Path spoolDir) {

  public ClientConfig {
    if (agent == null || agent.isEmpty()) {
      throw new IllegalArgumentException("-agent NAME is required");
    }
    if (!Limits.NAME.matcher(agent).matches()) {
      throw new IllegalArgumentException("-agent '" + agent + "' is not valid: use 1-"
          + Limits.MAX_NAME_LENGTH + " characters of letters, digits and . _ @ : -");
    }
    if (hosts == null || hosts.isEmpty()) {
      throw new IllegalArgumentException("at least one -host HOST[:PORT] is required");
    }
    hosts = List.copyOf(hosts);
    if (spoolDir == null) {
      throw new IllegalArgumentException("--spool DIR must not be empty");
    }
    spoolDir = spoolDir.toAbsolutePath().normalize();
  }

  public static Path defaultSpoolDir() {
    return Path.of(System.getProperty("user.home"), ".screenrec", "spool");
  }
}
