package cz.zoom.screenrec.server;

import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.server.config.InvalidConfigException;
import cz.zoom.screenrec.server.config.ServerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code screenrec-server}: starts one node and runs until SIGTERM/SIGINT. */
@Command(
    name = "screenrec-server",
    mixinStandardHelpOptions = true,
    versionProvider = ServerMain.Version.class,
    sortOptions = false,
    description = {
      "Screen Capture server of ScreenRec: control port for Capture Clients, call-event and",
      "recordings REST API, Media Upload Server and encoders. Defaults keep everything under --data-dir",
      "(embedded H2 database, media on local disk)."
    })
public final class ServerMain implements Callable<Integer> {

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Database, media and generated API token live here (default: ${DEFAULT-VALUE}).")
  Path dataDir = Path.of("data");

  @Option(
      names = "--bind",
      paramLabel = "ADDR",
      description = "Address both ports listen on (default: ${DEFAULT-VALUE}).")
  String bind = "0.0.0.0";

  @Option(
      names = "--control-port",
      paramLabel = "N",
      description =
          "TCP port of the client control protocol (default: ${DEFAULT-VALUE}; change only for tests).")
  int controlPort = ServerConfig.DEFAULT_CONTROL_PORT;

  @Option(
      names = "--http-port",
      paramLabel = "N",
      description =
          "HTTP port of the REST API and Media Upload Server (default: ${DEFAULT-VALUE}).")
  int httpPort = ServerConfig.DEFAULT_HTTP_PORT;

  @Option(
      names = "--cluster-id",
      paramLabel = "ID",
      description =
          "Name of this cluster; stamped on every recording and segment (default: ${DEFAULT-VALUE}).")
  String clusterId = "default";

  @Option(
      names = "--api-token",
      paramLabel = "TOKEN",
      description =
          "Bearer token for the REST API. Without it one is generated into DIR/api-token (owner-only).")
  String apiToken;

  @Option(
      names = "--public-url",
      paramLabel = "URL",
      description =
          "Base URL clients use to reach the HTTP port (default: http://<bind>:<http-port>, 127.0.0.1 for 0.0.0.0).")
  String publicUrl;

  @Option(
      names = "--heartbeat-interval",
      paramLabel = "MS",
      description = "How often clients send a heartbeat (default: ${DEFAULT-VALUE}).")
  long heartbeatIntervalMs = 3_000;

  @Option(
      names = "--dead-peer-timeout",
      paramLabel = "MS",
      description =
          "Silence after which either side drops the connection (default: ${DEFAULT-VALUE}).")
  long deadPeerTimeoutMs = 10_000;

  @Option(
      names = "--fps",
      paramLabel = "N",
      description =
          "Capture frames per second asked of clients, and of the encoded video (default: ${DEFAULT-VALUE}).")
  int fps = 5;

  @Option(
      names = "--max-upload-kbps",
      paramLabel = "N",
      description =
          "Upload budget of every agent's client in kbit/s, averaged over any 10 s; moving"
              + " pictures are coded to fit it, text stays exact; per agent through PUT"
              + " /api/v1/agents/{agent}/capture (default: ${DEFAULT-VALUE}).")
  int maxUploadKbps = 1000;

  @Option(
      names = "--segment-duration",
      paramLabel = "MS",
      description = "Capture time per uploaded segment (default: ${DEFAULT-VALUE}).")
  long segmentDurationMs = 30_000;

  @Option(
      names = "--video-codec",
      paramLabel = "CODEC",
      description =
          "Encoded video: vp9 (WebM), h264 (MP4) or av1 (WebM) (default: ${DEFAULT-VALUE}).")
  String videoCodec = "vp9";

  @Option(
      names = "--db-url",
      paramLabel = "JDBC",
      description =
          "Metadata database, e.g. jdbc:postgresql://db/screenrec (default: H2 file in DIR/db).")
  String dbUrl;

  @Option(
      names = "--db-user",
      paramLabel = "USER",
      description = "Database user (default: ${DEFAULT-VALUE}).")
  String dbUser = "sa";

  @Option(
      names = "--db-password",
      paramLabel = "PASSWORD",
      description = "Database password (default: empty; or env SCREENREC_DB_PASSWORD).")
  String dbPassword = System.getenv().getOrDefault("SCREENREC_DB_PASSWORD", "");

  @Option(
      names = "--db-pool-size",
      paramLabel = "N",
      description =
          "Connections of the metadata database pool, for the control port and the HTTP port together (default: ${DEFAULT-VALUE}).")
  int dbPoolSize = 10;

  @Option(
      names = "--control-threads",
      paramLabel = "N",
      description =
          "Threads that do the control port's database work; fewer than --db-pool-size. Heartbeats never wait for them (default: ${DEFAULT-VALUE}).")
  int controlThreads = 4;

  @Option(
      names = "--encoder-threads",
      paramLabel = "N",
      description = "Videos encoded at once, on request (default: ${DEFAULT-VALUE}).")
  int encoderThreads = 1;

  @Option(
      names = "--max-recording-mb",
      paramLabel = "MB",
      description =
          "Segment bytes one recording may store in all; more is refused with 413 (default: ${DEFAULT-VALUE}).")
  long maxRecordingMb = ServerConfig.DEFAULT_MAX_RECORDING_MB;

  @Option(
      names = "--encode-budget-factor",
      paramLabel = "F",
      description =
          "Encode time a video may take: F times its recording's duration plus --encode-budget-min; a longer encode is stopped and the video request answered video_failed, the recording stays READY (default: ${DEFAULT-VALUE}).")
  double encodeBudgetFactor = 1.0;

  @Option(
      names = "--encode-budget-min",
      paramLabel = "MS",
      description =
          "Encode time any recording may take whatever its duration (default: ${DEFAULT-VALUE}).")
  long encodeBudgetMinMs = 120_000;

  @Option(
      names = "--max-waiting-encodes",
      paramLabel = "N",
      description =
          "Video encodes that may wait for a worker; one more is answered 503 encoders_busy (default: ${DEFAULT-VALUE}).")
  int maxWaitingEncodes = 100;

  @Option(
      names = "--upload-grace",
      paramLabel = "MS",
      description =
          "An ended recording with no upload for this long is encoded from what arrived (default: ${DEFAULT-VALUE}).")
  long uploadGraceMs = 30 * 60_000;

  @Option(
      names = "--plugins-dir",
      paramLabel = "DIR",
      description =
          "Files offered for download under /callrec/plugins/ (client bundle, controller jar) (default: DIR/plugins of --data-dir).")
  Path pluginsDir;

  @Option(
      names = "--session-idle-minutes",
      paramLabel = "N",
      description =
          "Replay UI sessions end after N minutes without a request (default: ${DEFAULT-VALUE}; 12 h at most in any case).")
  long sessionIdleMinutes = 30;

  @Option(
      names = "--admin-password",
      paramLabel = "PASSWORD",
      description =
          "Password of the first replay admin (user 'admin') when there are no users yet; else one is generated into DIR/admin-password (owner-only). Or env SCREENREC_ADMIN_PASSWORD.")
  String adminPassword = System.getenv("SCREENREC_ADMIN_PASSWORD");

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description =
          "PEM certificate chain both ports show (default: one the cluster CA in <data-dir>/tls issues).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
  Path tlsKey;

  @Option(
      names = "--tls-ca",
      paramLabel = "FILE",
      description =
          "PEM certificate of the CA that issued --tls-cert; desktops are told to trust it.")
  Path tlsCa;

  @Option(
      names = "--agent-auth",
      paramLabel = "desktop|token",
      description =
          "desktop (default): any enrolled desktop may claim an agent, every claim audited; token: a"
              + " HELLO needs a token for its agent from POST /api/v1/agents/{agent}/tokens.")
  String agentAuth = "desktop";

  @Option(
      names = "--plaintext",
      description =
          "Both ports in clear, for a lab only: anyone on the network reads screens and tokens.")
  boolean plaintext;

  @Option(
      names = "--peer-cluster",
      paramLabel = "URL=TOKEN",
      description =
          "Another cluster whose screen and audio the replay gathers: its base URL and API token. Repeatable.")
  java.util.List<String> peerClusters = new java.util.ArrayList<>();

  @Option(
      names = "--peer-timeout",
      paramLabel = "MS",
      description =
          "Connect/answer timeout of requests to peer clusters (default: ${DEFAULT-VALUE}).")
  long peerTimeoutMs = 5_000;

  @Option(
      names = "--http-threads",
      paramLabel = "N",
      description =
          "Threads of the HTTP port; at least the three areas' bounds + 16 (default: ${DEFAULT-VALUE}).")
  int httpThreads = 200;

  @Option(
      names = "--http-api-requests",
      paramLabel = "N",
      description =
          "Requests in progress at once under /api: call events, REST API, audio, peers (default: ${DEFAULT-VALUE}).")
  int httpApiRequests = 64;

  @Option(
      names = "--http-upload-requests",
      paramLabel = "N",
      description =
          "Requests in progress at once under /mus: segment uploads (default: ${DEFAULT-VALUE}).")
  int httpUploadRequests = 64;

  @Option(
      names = "--http-replay-requests",
      paramLabel = "N",
      description =
          "Requests in progress at once under /replay: the replay UI, its API and media (default: ${DEFAULT-VALUE}).")
  int httpReplayRequests = 32;

  @Option(
      names = "--http-min-body-rate",
      paramLabel = "BYTES",
      description =
          "Bytes per second a request body must average once it has started; 0: no minimum (default: ${DEFAULT-VALUE}).")
  long httpMinBodyRate = 1024;

  @Option(
      names = "--http-idle-timeout",
      paramLabel = "MS",
      description =
          "Silence after which an HTTP connection, or a request waiting for its body, is dropped (default: ${DEFAULT-VALUE}).")
  long httpIdleTimeoutMs = 30_000;

  @Option(
      names = "--logins-per-address",
      paramLabel = "N",
      description =
          "Replay logins in progress at once from one remote address (default: ${DEFAULT-VALUE}).")
  int loginsPerAddress = 4;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServerMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    ServerConfig config;
    try {
      ServerConfig.Builder builder =
          ServerConfig.builder()
              .dataDir(dataDir)
              .bindAddress(bind)
              .controlPort(controlPort)
              .httpPort(httpPort)
              .clusterId(clusterId)
              .apiToken(apiToken)
              .publicUrl(publicUrl)
              .heartbeatIntervalMs(heartbeatIntervalMs)
              .deadPeerTimeoutMs(deadPeerTimeoutMs)
              .framesPerSecond(fps)
              .maxUploadKbps(maxUploadKbps)
              .segmentDurationMs(segmentDurationMs)
              .videoCodec(codec(videoCodec))
              .dbUrl(dbUrl)
              .dbUser(dbUser)
              .dbPassword(dbPassword)
              .dbPoolSize(dbPoolSize)
              .controlThreads(controlThreads)
              .encoderThreads(encoderThreads)
              .uploadGraceMs(uploadGraceMs)
              .pluginsDir(pluginsDir)
              .maxRecordingMb(maxRecordingMb)
              .encodeBudgetFactor(encodeBudgetFactor)
              .encodeBudgetMinMs(encodeBudgetMinMs)
              .maxWaitingEncodes(maxWaitingEncodes)
              .sessionIdleMs(sessionIdleMinutes * 60_000)
              .adminPassword(adminPassword)
              .tlsCert(tlsCert)
              .tlsKey(tlsKey)
              .tlsCa(tlsCa)
              .plaintext(plaintext)
              .agentAuth(agentAuth)
              .peerTimeoutMs(peerTimeoutMs)
              .httpThreads(httpThreads)
              .httpApiRequests(httpApiRequests)
              .httpUploadRequests(httpUploadRequests)
              .httpReplayRequests(httpReplayRequests)
              .httpMinBodyRate(httpMinBodyRate)
              .httpIdleTimeoutMs(httpIdleTimeoutMs)
              .loginsPerAddress(loginsPerAddress);
      peerClusters.forEach(builder::peerCluster);
      config = builder.build();
    } catch (InvalidConfigException e) {
      System.err.println("screenrec-server: " + e.getMessage());
      return 2;
    }
    ScreenRecServer server = ScreenRecServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
    return 0;
  }

  private static VideoCodec codec(String id) {
    try {
      return VideoCodec.fromId(id);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          java.util.List.of("--video-codec must be vp9, h264 or av1, was '" + id + "'"));
    }
  }

  /** Reports the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = ServerMain.class.getPackage().getImplementationVersion();
      return new String[] {"screenrec-server " + (v == null ? "(development build)" : v)};
    }
  }
}
