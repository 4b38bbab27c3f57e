package cz.zoom.screenrec.client;

import cz.zoom.screenrec.client.capture.ScreenSources;
import cz.zoom.screenrec.client.control.FailbackPolicy;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.enrollment.TlsOptions;
import cz.zoom.screenrec.client.spool.SpoolLimitOptions;
import cz.zoom.screenrec.trust.Enroller;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code screenrec-client -agent NAME -host H[:PORT] [-host ...] [--spool DIR]}: the legacy
 * ScreenREC.exe flags, plus optional ones for fail-over behaviour.
 */
@Command(
    name = "screenrec-client",
    sortOptions = false,
    separator = " ",
    usageHelpAutoWidth = true,
    description =
        "Capture Client: stays connected to a Screen Capture server and records this desktop's"
            + " screens while the server asks for it (during calls).")
public final class ClientMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ClientMain.class);

  @Option(
      names = "-agent",
      paramLabel = "NAME",
      description =
          "Agent logged in on this desktop: 1-128 letters, digits and . _ @ : -, not only dots")
  private String agent;

  @Option(
      names = "-token",
      paramLabel = "TOKEN",
      description =
          "The agent's token from the contact centre's desktop back end, for servers started with"
              + " --agent-auth token (default: $SCREENREC_AGENT_TOKEN).")
  private String agentToken;

  @Option(
      names = "-host",
      paramLabel = "HOST[:PORT]",
      description =
          "Screen Capture server, port 7003 unless given; repeat for fail-over servers,"
              + " the first is the primary.")
  private List<String> hosts = new ArrayList<>();

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description = "Where segments wait until the server has them (default: ~/.screenrec/spool).")
  private Path spool;

  @Mixin private SpoolLimitOptions spoolLimits = new SpoolLimitOptions();

  @Option(
      names = "--failback",
      paramLabel = "never|when-idle",
      description =
          "When connected to a fail-over server, go back to a server earlier in the -host list once it"
              + " answers again: 'when-idle' (default) only while nothing is being recorded, 'never' stays until the"
              + " connection ends.")
  private String failback;

  @Option(
      names = "--failback-interval",
      paramLabel = "SECONDS",
      description =
          "How often a client on a fail-over server checks the servers before it (default 30).")
  private Long failbackIntervalSeconds;

  @Option(
      names = "--orphan-limit",
      paramLabel = "SECONDS",
      description =
          "How long a recording whose server went away is captured on, waiting for another server to"
              + " adopt it (default 600); its segments are kept and uploaded in any case.")
  private Long orphanLimitSeconds;

  @Option(
      names = {"--help", "-help", "-h"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  @Mixin private TlsOptions tls = new TlsOptions();

  @Spec private CommandSpec spec;

  public static void main(String[] args) {
    int code =
        new CommandLine(new ClientMain())
            .setParameterExceptionHandler(
                (e, ignored) -> {
                  e.getCommandLine().getErr().println(e.getMessage());
                  e.getCommandLine()
                      .getErr()
                      .println("Try 'screenrec-client --help' for the flags.");
                  return 2;
                })
            .execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Parses and validates the flags; throws ParameterException with the first problem. */
  ClientConfig config() {
    try {
      List<ServerAddress> servers = new ArrayList<>();
      for (String h : hosts) {
        servers.add(ServerAddress.parse(h));
      }
      return new ClientConfig(
          agent,
          servers,
          spool == null ? ClientConfig.defaultSpoolDir() : spool,
          failback == null ? null : FailbackPolicy.parse(failback),
          failbackIntervalSeconds == null ? null : Duration.ofSeconds(failbackIntervalSeconds),
          orphanLimitSeconds == null ? null : Duration.ofSeconds(orphanLimitSeconds),
          spoolLimits.limits());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  @Override
  public Integer call() throws Exception {
    ClientConfig config = config();
    log.info(
        "ScreenRec Capture Client {} starting: agent {}, servers {}, spool {} (at most {} MiB, {}% of"
            + " the disk kept free), fail-back {} (every {} s), orphan limit {} s",
        ClientIdentity.version(),
        config.agent(),
        config.hosts(),
        config.spoolDir(),
        config.spoolLimits().maxBytes() >> 20,
        config.spoolLimits().minFreePercent(),
        config.failback().flag(),
        config.failbackInterval().toSeconds(),
        config.orphanLimit().toSeconds());
    DesktopTls desktop;
    try {
      desktop = tls.resolve(config.hosts(), ClientIdentity.hostname());
    } catch (Enroller.EnrollmentException e) {
      log.error("{}", e.getMessage());
      spec.commandLine().getErr().println("screenrec-client: " + e.getMessage());
      return 3;
    }
    log.info("speaking to the servers {}", desktop);
    String token = agentToken != null ? agentToken : System.getenv("SCREENREC_AGENT_TOKEN");
    CaptureClient client =
        CaptureClient.builder(
                config, ScreenSources.openOrNone("this client will refuse recordings"))
            .tls(desktop)
            .identity(ClientIdentity.of(config.agent(), token))
            .build()
            .start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  client.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }
}
