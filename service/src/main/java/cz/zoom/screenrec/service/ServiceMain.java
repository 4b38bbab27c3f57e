package cz.zoom.screenrec.service;

import cz.zoom.screenrec.client.ServerAddress;
import cz.zoom.screenrec.client.capture.ScreenSource;
import cz.zoom.screenrec.client.capture.ScreenSources;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.enrollment.TlsOptions;
import cz.zoom.screenrec.client.spool.SpoolLimitOptions;
import cz.zoom.screenrec.client.spool.SpoolLimits;
import cz.zoom.screenrec.service.capture.SessionCapture;
import cz.zoom.screenrec.trust.Enroller;
import java.net.InetAddress;
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
 * {@code screenrec-service -host H1 [-host H2 ...] [--agent-map FILE] [--socket-dir DIR] [--spool
 * DIR]}: the per-host service of service mode; {@code screenrec-service capture [--socket PATH]
 * [--login NAME]}: the capture process each session starts (docs/service-mode.md).
 */
@Command(
    name = "screenrec-service",
    sortOptions = false,
    separator = " ",
    usageHelpAutoWidth = true,
    subcommands = ServiceMain.Capture.class,
    description =
        "ScreenRec service mode for shared desktops (terminal servers, VDI): one service per host"
            + " holds the server connections of every logged-in session; each session runs 'screenrec-service capture'.")
public final class ServiceMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ServiceMain.class);
  static final Path DEFAULT_SOCKET_DIR = Path.of("/run/screenrec");

  @Option(
      names = "-host",
      paramLabel = "HOST[:PORT]",
      description =
          "Screen Capture server, port 7003 unless given; repeat for fail-over servers, the first is the primary.")
  private List<String> hosts = new ArrayList<>();

  @Option(
      names = "--agent-map",
      paramLabel = "FILE",
      description =
          "Lines login=agent: the agent each login records as (default: the login itself).")
  private Path agentMap;

  @Option(
      names = "--socket-dir",
      paramLabel = "DIR",
      description =
          "Directory of the Unix-domain socket "
              + CaptureService.SOCKET_NAME
              + " (made 0770; refused if others may enter it) (default: ${DEFAULT-VALUE}).")
  private Path socketDir = DEFAULT_SOCKET_DIR;

  @Option(
      names = "--spool",
      paramLabel = "DIR",
      description =
          "Where every session's segments wait until a server has them (default: ${DEFAULT-VALUE}).")
  private Path spool = Path.of("/var/spool/screenrec");

  @Mixin private SpoolLimitOptions spoolLimits = new SpoolLimitOptions();

  @Option(
      names = "--orphan-limit",
      paramLabel = "SECONDS",
      description =
          "How long a recording is captured on without a server that owns it (default: ${DEFAULT-VALUE}).")
  private long orphanLimitSeconds = 600;

  @Option(
      names = {"--help", "-help", "-h"},
      usageHelp = true,
      description = "Show this help and exit.")
  private boolean help;

  @Mixin private TlsOptions tls = new TlsOptions();

  @Spec private CommandSpec spec;

  public static void main(String[] args) {
    int code =
        new CommandLine(new ServiceMain())
            .setParameterExceptionHandler(
                (e, ignored) -> {
                  e.getCommandLine().getErr().println(e.getMessage());
                  e.getCommandLine()
                      .getErr()
                      .println("Try 'screenrec-service --help' for the flags.");
                  return 2;
                })
            .execute(args);
    if (code != 0) {
      System.exit(code);
    }
  }

  @Override
  public Integer call() throws Exception {
    List<ServerAddress> servers = new ArrayList<>();
    AgentMap agents;
    try {
      for (String h : hosts) {
        servers.add(ServerAddress.parse(h));
      }
      if (servers.isEmpty()) {
        throw new IllegalArgumentException("at least one -host HOST[:PORT] is required");
      }
      agents = agentMap == null ? AgentMap.identity() : AgentMap.read(agentMap);
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    SpoolLimits limits;
    try {
      limits = spoolLimits.limits();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    DesktopTls desktop;
    try {
      desktop = tls.resolve(servers, hostname());
    } catch (Enroller.EnrollmentException e) {
      System.err.println("screenrec-service: " + e.getMessage());
      return 3;
    }
    CaptureService service;
    try {
      service =
          new CaptureService(
                  new CaptureService.Config(
                      socketDir.toAbsolutePath(),
                      servers,
                      agents,
                      spool.toAbsolutePath(),
                      Duration.ofSeconds(orphanLimitSeconds),
                      hostname(),
                      desktop,
                      limits))
              .start();
    } catch (java.io.IOException e) {
      // an operator's problem (socket directory, another service, spool permissions): one line, no
      // stack trace
      System.err.println("screenrec-service: " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutting down");
                  service.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return System.getenv().getOrDefault("HOSTNAME", "unknown");
    }
  }

  /** The capture process of one session; started in the session (XDG autostart, logon script). */
  @Command(
      name = "capture",
      sortOptions = false,
      separator = " ",
      usageHelpAutoWidth = true,
      description =
          "Capture process of one session: records this session's display for the host's service.")
  static final class Capture implements Callable<Integer> {
    @Option(
        names = "--socket",
        paramLabel = "PATH",
        description =
            "The service's socket (default: /run/screenrec/" + CaptureService.SOCKET_NAME + ").")
    private Path socket = DEFAULT_SOCKET_DIR.resolve(CaptureService.SOCKET_NAME);

    @Option(
        names = "--login",
        paramLabel = "NAME",
        description =
            "Login of this session (default: the user running this process). The service accepts"
                + " another login only from root or its own account.")
    private String login = System.getProperty("user.name");

    @Option(
        names = {"--help", "-help", "-h"},
        usageHelp = true,
        description = "Show this help and exit.")
    private boolean help;

    @Override
    public Integer call() throws Exception {
      String display = System.getenv("DISPLAY");
      ScreenSource source = ScreenSources.openOrNone("recordings of this session will be refused");
      log.info(
          "capture process for login {} on display {}: screens {}",
          login,
          display,
          source.screens());
      SessionCapture capture = new SessionCapture(socket.toAbsolutePath(), login, display, source);
      Runtime.getRuntime().addShutdownHook(new Thread(capture::close, "shutdown"));
      capture.run();
      return 0;
    }
  }
}
