package cz.zoom.screenrec.server.config;

import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.Limits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server node is told at start-up, validated once (HikariCP style): {@link
 * Builder#build()} lists every problem at once so an operator fixes them in one go.
 */
public final class ServerConfig {
  public static final int DEFAULT_CONTROL_PORT = 7003;
  public static final int DEFAULT_HTTP_PORT = 8080;

  /**
   * HTTP threads kept outside the three areas: Jetty's acceptor and selectors, /healthz, /metrics.
   */
  public static final int RESERVED_HTTP_THREADS = 16;

  /**
   * 16 GiB: two hours of a video playing in a window (~20 Mbit/s, the heaviest capture measured
   * short of full-screen video), or hundreds of hours of office work (~1 MB a minute).
   */
  public static final long DEFAULT_MAX_RECORDING_MB = 16 * 1024;

  private final Path dataDir;
  private final String bindAddress;
  private final int controlPort;
  private final int httpPort;
  private final String clusterId;
  private final String apiToken;
  private final URI publicUrl;
  private final Duration heartbeatInterval;
  private final Duration deadPeerTimeout;
  private final Duration helloTimeout;
  private final CaptureSettings capture;
  private final VideoCodec videoCodec;
  private final String dbUrl;
  private final String dbUser;
  private final String dbPassword;
  private final int encoderThreads;
  private final long maxSegmentBytes;
  private final long maxRecordingBytes;
  private final double encodeBudgetFactor;
  private final Duration encodeBudgetMin;
  private final int maxWaitingEncodes;
  private final Duration uploadGrace;
  private final Path pluginsDir;
  private final Duration sessionIdle;
  private final Duration sessionMax;
  private final Duration loginLock;
  private final String adminPassword;
  private final Path tlsCert;
  private final Path tlsKey;
  private final Path tlsCa;
  private final boolean plaintext;
  private final boolean agentTokens;
  private final List<PeerCluster> peers;
  private final Duration peerTimeout;
  private final long maxAudioBytes;
  private final int httpThreads;
  private final int httpApiRequests;
  private final int httpUploadRequests;
  private final int httpReplayRequests;
  private final long httpMinBodyRate;
  private final Duration httpIdleTimeout;
  private final int loginsPerAddress;
  private final int controlThreads;
  private final int dbPoolSize;

  /** Another cluster whose media the replay gathers: its base URL and its API token. */
  public record PeerCluster(URI url, String token) {
    @Override
    public String toString() {
      return url.toString();
    }
  }

  private ServerConfig(Builder b) {
    this.dataDir = b.dataDir.toAbsolutePath().normalize();
    this.bindAddress = b.bindAddress;
    this.controlPort = b.controlPort;
    this.httpPort = b.httpPort;
    this.clusterId = b.clusterId;
    this.apiToken = b.apiToken;
    String host =
        "0.0.0.0".equals(b.bindAddress) || "::".equals(b.bindAddress) ? "127.0.0.1" : b.bindAddress;
    this.publicUrl =
        b.publicUrl != null
            ? URI.create(stripSlash(b.publicUrl))
            : URI.create(
                (b.plaintext ? "http://" : "https://")
                    + (host.contains(":") ? "[" + host + "]" : host)
                    + ":"
                    + b.httpPort);
    this.heartbeatInterval = Duration.ofMillis(b.heartbeatIntervalMs);
    this.deadPeerTimeout = Duration.ofMillis(b.deadPeerTimeoutMs);
    this.helloTimeout = Duration.ofMillis(b.helloTimeoutMs);
    // every segment starts with key frames, so the key frame interval is the segment's length:
    // extra key frames inside a segment would cost a whole screen each
    // (docs/capture-performance.md)
    this.capture =
        new CaptureSettings(
            b.framesPerSecond,
            1,
            b.segmentDurationMs,
            b.segmentDurationMs,
            List.of(),
            b.maxUploadKbps);
    this.videoCodec = b.videoCodec;
    // WRITE_DELAY=0: H2 otherwise keeps commits in memory for up to 500 ms, so a killed server
    // loses segments it already answered 2xx for (and the client has deleted its copy)
    this.dbUrl =
        b.dbUrl != null
            ? b.dbUrl
            : "jdbc:h2:file:"
                + dataDir.resolve("db").resolve("screenrec")
                + ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0";
    this.dbUser = b.dbUser;
    this.dbPassword = b.dbPassword;
    this.encoderThreads = b.encoderThreads;
    this.maxSegmentBytes = b.maxSegmentBytes;
    this.maxRecordingBytes = b.maxRecordingMb * 1024 * 1024;
    this.encodeBudgetFactor = b.encodeBudgetFactor;
    this.encodeBudgetMin = Duration.ofMillis(b.encodeBudgetMinMs);
    this.maxWaitingEncodes = b.maxWaitingEncodes;
    this.uploadGrace = Duration.ofMillis(b.uploadGraceMs);
    this.pluginsDir =
        b.pluginsDir != null
            ? b.pluginsDir.toAbsolutePath().normalize()
            : dataDir.resolve("plugins");
    this.sessionIdle = Duration.ofMillis(b.sessionIdleMs);
    this.sessionMax = Duration.ofMillis(b.sessionMaxMs);
    this.loginLock = Duration.ofMillis(b.loginLockMs);
    this.adminPassword = b.adminPassword;
    this.tlsCert = absolute(b.tlsCert);
    this.tlsKey = absolute(b.tlsKey);
    this.tlsCa = absolute(b.tlsCa);
    this.plaintext = b.plaintext;
    this.agentTokens = "token".equals(b.agentAuth);
    this.peers = List.copyOf(b.peers);
    this.peerTimeout = Duration.ofMillis(b.peerTimeoutMs);
    this.maxAudioBytes = b.maxAudioBytes;
    this.httpThreads = b.httpThreads;
    this.httpApiRequests = b.httpApiRequests;
    this.httpUploadRequests = b.httpUploadRequests;
    this.httpReplayRequests = b.httpReplayRequests;
    this.httpMinBodyRate = b.httpMinBodyRate;
    this.httpIdleTimeout = Duration.ofMillis(b.httpIdleTimeoutMs);
    this.loginsPerAddress = b.loginsPerAddress;
    this.controlThreads = b.controlThreads;
    this.dbPoolSize = b.dbPoolSize;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Path dataDir() {
    return dataDir;
  }

  public String bindAddress() {
    return bindAddress;
  }

  public int controlPort() {
    return controlPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public String clusterId() {
    return clusterId;
  }

  /** The configured API token, or null when the server keeps a generated one in the data dir. */
  public String apiToken() {
    return apiToken;
  }

  /** Base URL by which clients and browsers reach this node's HTTP port. */
  public URI publicUrl() {
    return publicUrl;
  }

  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  public Duration deadPeerTimeout() {
    return deadPeerTimeout;
  }

  public Duration helloTimeout() {
    return helloTimeout;
  }

  public CaptureSettings capture() {
    return capture;
  }

  public VideoCodec videoCodec() {
    return videoCodec;
  }

  public String dbUrl() {
    return dbUrl;
  }

  public String dbUser() {
    return dbUser;
  }

  public String dbPassword() {
    return dbPassword;
  }

  public int encoderThreads() {
    return encoderThreads;
  }

  public long maxSegmentBytes() {
    return maxSegmentBytes;
  }

  /** Bytes of segments one recording may store in all (its quota); more is refused with 413. */
  public long maxRecordingBytes() {
    return maxRecordingBytes;
  }

  /**
   * Encode time a recording may take, as a multiple of its (server-bounded) duration, on top of
   * {@link #encodeBudgetMin()}; a longer encode is stopped and answered as failed (the recording
   * stays READY: its segments play).
   */
  public double encodeBudgetFactor() {
    return encodeBudgetFactor;
  }

  public Duration encodeBudgetMin() {
    return encodeBudgetMin;
  }

  /**
   * Video encodes that may wait for a worker at once; one more is refused (503 encoders_busy), so a
   * caller asking for every recording in turn cannot queue unbounded work.
   */
  public int maxWaitingEncodes() {
    return maxWaitingEncodes;
  }

  /**
   * How long an ended recording may wait for more segments with nothing arriving before it is
   * encoded from what it has (its client may never come back).
   */
  public Duration uploadGrace() {
    return uploadGrace;
  }

  /** Replay UI sessions end after this long without a request. */
  public Duration sessionIdle() {
    return sessionIdle;
  }

  /** Replay UI sessions end this long after login, however active. */
  public Duration sessionMax() {
    return sessionMax;
  }

  /** How long a user name is locked after five failed logins in a row. */
  public Duration loginLock() {
    return loginLock;
  }

  /** Password of the first admin when the user table is empty, or null to generate one. */
  public String adminPassword() {
    return adminPassword;
  }

  /** The cluster's keys and certificates: {@code <data-dir>/tls}. */
  public Path tlsDir() {
    return dataDir.resolve("tls");
  }

  /** An operator's server certificate chain (--tls-cert), or null for the cluster's own. */
  public Path tlsCert() {
    return tlsCert;
  }

  public Path tlsKey() {
    return tlsKey;
  }

  /**
   * The CA that issued --tls-cert, which desktops are told to trust; null with the cluster's own.
   */
  public Path tlsCa() {
    return tlsCa;
  }

  /**
   * Whether a HELLO must carry a valid agent token for its agent ({@code --agent-auth token});
   * otherwise any enrolled desktop may claim an agent, and the claim is audited.
   */
  public boolean agentTokens() {
    return agentTokens;
  }

  /** Whether both ports speak in clear (--plaintext, for labs only). */
  public boolean plaintext() {
    return plaintext;
  }

  private static Path absolute(Path p) {
    return p == null ? null : p.toAbsolutePath().normalize();
  }

  public List<PeerCluster> peers() {
    return peers;
  }

  /** Connect and answer timeout of requests to peer clusters. */
  public Duration peerTimeout() {
    return peerTimeout;
  }

  public long maxAudioBytes() {
    return maxAudioBytes;
  }

  /** Threads of the HTTP port. */
  public int httpThreads() {
    return httpThreads;
  }

  /** Requests in progress at once under /api (call events, REST API, audio, peers). */
  public int httpApiRequests() {
    return httpApiRequests;
  }

  /** Requests in progress at once under /mus (segment uploads). */
  public int httpUploadRequests() {
    return httpUploadRequests;
  }

  /** Requests in progress at once under /replay (UI, its API and media). */
  public int httpReplayRequests() {
    return httpReplayRequests;
  }

  /** Bytes per second a request body must average once it has started; 0: no minimum. */
  public long httpMinBodyRate() {
    return httpMinBodyRate;
  }

  /** Silence after which an HTTP connection, or a request waiting for its body, is dropped. */
  public Duration httpIdleTimeout() {
    return httpIdleTimeout;
  }

  /** Replay logins in progress at once from one remote address. */
  public int loginsPerAddress() {
    return loginsPerAddress;
  }

  /**
   * Threads that run the control port's database work (HELLO's recording look-ups, recording state
   * changes); heartbeats are answered on the I/O threads and never wait for them.
   */
  public int controlThreads() {
    return controlThreads;
  }

  /** Connections of the metadata database pool, shared by the control port and the HTTP port. */
  public int dbPoolSize() {
    return dbPoolSize;
  }

  public Path mediaDir() {
    return dataDir.resolve("media");
  }

  /**
   * Files served under /callrec/plugins/ (client bundle, controller jar); default DIR/plugins of
   * the data dir.
   */
  public Path pluginsDir() {
    return pluginsDir;
  }

  /** Where the Media Upload Server of this node takes segments; sent to clients in START. */
  public String uploadUrl() {
    return publicUrl + "/mus/v1";
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  /** Collects settings; {@link #build()} validates them all. Defaults are the documented ones. */
  public static final class Builder {
    private Path dataDir = Path.of("data");
    private String bindAddress = "0.0.0.0";
    private int controlPort = DEFAULT_CONTROL_PORT;
    private int httpPort = DEFAULT_HTTP_PORT;
    private String clusterId = "default";
    private String apiToken;
    private String publicUrl;
    private long heartbeatIntervalMs = 3_000;
    private long deadPeerTimeoutMs = 10_000;
    private long helloTimeoutMs = 10_000;
    private int framesPerSecond = 5;
    private int maxUploadKbps = 1000;
    private long segmentDurationMs = 30_000;
    private VideoCodec videoCodec = VideoCodec.VP9_WEBM;
    private String dbUrl;
    private String dbUser = "sa";
    private String dbPassword = "";
    private int encoderThreads = 1;
    private long maxSegmentBytes = 256L * 1024 * 1024;
    private long maxRecordingMb = DEFAULT_MAX_RECORDING_MB;
    private double encodeBudgetFactor = 1.0;
    private long encodeBudgetMinMs = 120_000;
    // hours of encoding on any machine
    private int maxWaitingEncodes = 100;
    private long uploadGraceMs = 30 * 60_000;
    private Path pluginsDir;
    private long sessionIdleMs = 30 * 60_000;
    private long sessionMaxMs = 12 * 3_600_000;
    private long loginLockMs = 30_000;
    private String adminPassword;
    private Path tlsCert;
    private Path tlsKey;
    private Path tlsCa;
    private boolean plaintext;
    private String agentAuth = "desktop";
    private final List<PeerCluster> peers = new ArrayList<>();
    private final List<String> peerProblems = new ArrayList<>();
    private long peerTimeoutMs = 5_000;
    private long maxAudioBytes = 512L * 1024 * 1024;
    private int httpThreads = 200;
    private int httpApiRequests = 64;
    private int httpUploadRequests = 64;
    private int httpReplayRequests = 32;
    private long httpMinBodyRate = 1024;
    private long httpIdleTimeoutMs = 30_000;
    private int loginsPerAddress = 4;
    private int controlThreads = 4;
    private int dbPoolSize = 10;

    public Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    public Builder bindAddress(String v) {
      bindAddress = v;
      return this;
    }

    public Builder controlPort(int v) {
      controlPort = v;
      return this;
    }

    public Builder httpPort(int v) {
      httpPort = v;
      return this;
    }

    public Builder clusterId(String v) {
      clusterId = v;
      return this;
    }

    public Builder apiToken(String v) {
      apiToken = v;
      return this;
    }

    public Builder publicUrl(String v) {
      publicUrl = v;
      return this;
    }

    public Builder heartbeatIntervalMs(long v) {
      heartbeatIntervalMs = v;
      return this;
    }

    public Builder deadPeerTimeoutMs(long v) {
      deadPeerTimeoutMs = v;
      return this;
    }

    public Builder helloTimeoutMs(long v) {
      helloTimeoutMs = v;
      return this;
    }

    /** Every agent's upload budget in kbit/s unless set per agent (docs/protocol.md). */
    public Builder maxUploadKbps(int v) {
      maxUploadKbps = v;
      return this;
    }

    public Builder framesPerSecond(int v) {
      framesPerSecond = v;
      return this;
    }

    public Builder segmentDurationMs(long v) {
      segmentDurationMs = v;
      return this;
    }

    public Builder videoCodec(VideoCodec v) {
      videoCodec = v;
      return this;
    }

    public Builder dbUrl(String v) {
      dbUrl = v;
      return this;
    }

    public Builder dbUser(String v) {
      dbUser = v;
      return this;
    }

    public Builder dbPassword(String v) {
      dbPassword = v;
      return this;
    }

    public Builder encoderThreads(int v) {
      encoderThreads = v;
      return this;
    }

    public Builder maxSegmentBytes(long v) {
      maxSegmentBytes = v;
      return this;
    }

    public Builder maxRecordingMb(long v) {
      maxRecordingMb = v;
      return this;
    }

    public Builder encodeBudgetFactor(double v) {
      encodeBudgetFactor = v;
      return this;
    }

    public Builder maxWaitingEncodes(int v) {
      maxWaitingEncodes = v;
      return this;
    }

    public Builder encodeBudgetMinMs(long v) {
      encodeBudgetMinMs = v;
      return this;
    }

    public Builder uploadGraceMs(long v) {
      uploadGraceMs = v;
      return this;
    }

    public Builder pluginsDir(Path v) {
      pluginsDir = v;
      return this;
    }

    public Builder sessionIdleMs(long v) {
      sessionIdleMs = v;
      return this;
    }

    public Builder sessionMaxMs(long v) {
      sessionMaxMs = v;
      return this;
    }

    public Builder loginLockMs(long v) {
      loginLockMs = v;
      return this;
    }

    public Builder tlsCert(Path v) {
      tlsCert = v;
      return this;
    }

    public Builder tlsKey(Path v) {
      tlsKey = v;
      return this;
    }

    public Builder tlsCa(Path v) {
      tlsCa = v;
      return this;
    }

    public Builder agentAuth(String v) {
      agentAuth = v;
      return this;
    }

    public Builder plaintext(boolean v) {
      plaintext = v;
      return this;
    }

    public Builder adminPassword(String v) {
      adminPassword = v;
      return this;
    }

    public Builder peerTimeoutMs(long v) {
      peerTimeoutMs = v;
      return this;
    }

    public Builder maxAudioBytes(long v) {
      maxAudioBytes = v;
      return this;
    }

    public Builder httpThreads(int v) {
      httpThreads = v;
      return this;
    }

    public Builder httpApiRequests(int v) {
      httpApiRequests = v;
      return this;
    }

    public Builder httpUploadRequests(int v) {
      httpUploadRequests = v;
      return this;
    }

    public Builder httpReplayRequests(int v) {
      httpReplayRequests = v;
      return this;
    }

    public Builder httpMinBodyRate(long v) {
      httpMinBodyRate = v;
      return this;
    }

    public Builder httpIdleTimeoutMs(long v) {
      httpIdleTimeoutMs = v;
      return this;
    }

    public Builder loginsPerAddress(int v) {
      loginsPerAddress = v;
      return this;
    }

    public Builder controlThreads(int v) {
      controlThreads = v;
      return this;
    }

    public Builder dbPoolSize(int v) {
      dbPoolSize = v;
      return this;
    }

    /**
     * A peer as {@code --peer-cluster} gives it: {@code URL=TOKEN} (the token follows the last
     * '=').
     */
    public Builder peerCluster(String spec) {
      int eq = spec == null ? -1 : spec.lastIndexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        peerProblems.add("--peer-cluster must be URL=TOKEN, was '" + spec + "'");
        return this;
      }
      return peerCluster(spec.substring(0, eq), spec.substring(eq + 1));
    }

    public Builder peerCluster(String url, String token) {
      try {
        URI u = URI.create(stripSlash(url));
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())
            || u.getHost() == null) {
          peerProblems.add("--peer-cluster URL must be an absolute http(s) URL, was '" + url + "'");
        } else if (token == null || token.length() < 16) {
          peerProblems.add(
              "--peer-cluster token for "
                  + url
                  + " must be that cluster's API token (16+ characters)");
        } else {
          peers.add(new PeerCluster(u, token));
        }
      } catch (IllegalArgumentException e) {
        peerProblems.add("--peer-cluster URL is not a URL: " + e.getMessage());
      }
      return this;
    }

    public ServerConfig build() {
      List<String> problems = new ArrayList<>();
      if (dataDir == null) {
        problems.add("--data-dir is required");
      }
      if (bindAddress == null || bindAddress.isBlank()) {
        problems.add("--bind must be an IP address or host name");
      }
      checkPort(problems, "--control-port", controlPort);
      if (httpPort < 1 || httpPort > 65535) {
        // clients are told this port in upload URLs, so it must be known before start
        problems.add("--http-port must be 1..65535, was " + httpPort);
      }
      if (controlPort != 0 && controlPort == httpPort) {
        problems.add("--control-port and --http-port must differ, both are " + httpPort);
      }
      if (clusterId == null || !Limits.NAME.matcher(clusterId).matches()) {
        problems.add(
            "--cluster-id must be 1-128 characters of letters, digits and . _ @ : -, not only dots, was '"
                + clusterId
                + "'");
      }
      if (apiToken != null && apiToken.length() < 16) {
        problems.add("--api-token must be at least 16 characters (it guards every recording)");
      }
      if (publicUrl != null) {
        try {
          URI u = URI.create(publicUrl);
          if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())
              || u.getHost() == null) {
            problems.add("--public-url must be an absolute http(s) URL, was '" + publicUrl + "'");
          }
        } catch (IllegalArgumentException e) {
          problems.add("--public-url is not a URL: " + e.getMessage());
        }
      }
      if (heartbeatIntervalMs < 100 || heartbeatIntervalMs > 300_000) {
        problems.add("--heartbeat-interval must be 100..300000 ms, was " + heartbeatIntervalMs);
      }
      if (deadPeerTimeoutMs < 2 * heartbeatIntervalMs || deadPeerTimeoutMs > 900_000) {
        problems.add(
            "--dead-peer-timeout must be at least twice the heartbeat interval ("
                + 2 * heartbeatIntervalMs
                + " ms) and at most 900000 ms, was "
                + deadPeerTimeoutMs);
      }
      if (helloTimeoutMs < 100) {
        problems.add("hello timeout must be at least 100 ms, was " + helloTimeoutMs);
      }
      if (maxUploadKbps < CaptureSettings.MIN_KBPS || maxUploadKbps > 1_000_000) {
        problems.add(
            "--max-upload-kbps must be "
                + CaptureSettings.MIN_KBPS
                + "..1000000, was "
                + maxUploadKbps);
      }
      if (framesPerSecond < 1 || framesPerSecond > 30) {
        problems.add("--fps must be 1..30, was " + framesPerSecond);
      }
      if (segmentDurationMs < 1_000 || segmentDurationMs > 600_000) {
        problems.add("--segment-duration must be 1000..600000 ms, was " + segmentDurationMs);
      }
      if (encoderThreads < 1 || encoderThreads > 64) {
        problems.add("--encoder-threads must be 1..64, was " + encoderThreads);
      }
      if (uploadGraceMs < 1_000) {
        problems.add("--upload-grace must be at least 1000 ms, was " + uploadGraceMs);
      }
      if (maxSegmentBytes < 1024) {
        problems.add("maximum segment size must be at least 1024 bytes");
      }
      if (maxRecordingMb < 1 || maxRecordingMb > 16L * 1024 * 1024) {
        problems.add("--max-recording-mb must be 1..16777216 (16 TiB), was " + maxRecordingMb);
      }
      if (!(encodeBudgetFactor > 0) || encodeBudgetFactor > 1000) {
        problems.add(
            "--encode-budget-factor must be above 0 and at most 1000, was " + encodeBudgetFactor);
      }
      if (encodeBudgetMinMs < 1_000 || encodeBudgetMinMs > 24 * 3_600_000L) {
        problems.add("--encode-budget-min must be 1000..86400000 ms, was " + encodeBudgetMinMs);
      }
      if (maxWaitingEncodes < 1 || maxWaitingEncodes > 100_000) {
        problems.add("--max-waiting-encodes must be 1..100000, was " + maxWaitingEncodes);
      }
      if (sessionIdleMs < 1_000 || sessionIdleMs > sessionMaxMs) {
        problems.add(
            "--session-idle-minutes must be 1..720 (at most the 12 h session limit), was "
                + sessionIdleMs / 60_000.0);
      }
      if (adminPassword != null && adminPassword.length() < 8) {
        problems.add("--admin-password must be at least 8 characters");
      }
      problems.addAll(peerProblems);
      if (peerTimeoutMs < 100 || peerTimeoutMs > 120_000) {
        problems.add("--peer-timeout must be 100..120000 ms, was " + peerTimeoutMs);
      }
      checkHttp(problems);
      checkDatabase(problems);
      checkTls(problems);
      Objects.requireNonNull(videoCodec, "videoCodec");
      if (!problems.isEmpty()) {
        throw new InvalidConfigException(problems);
      }
      return new ServerConfig(this);
    }

    private void checkTls(List<String> problems) {
      boolean any = tlsCert != null || tlsKey != null || tlsCa != null;
      if (any && (tlsCert == null || tlsKey == null || tlsCa == null)) {
        problems.add(
            "--tls-cert, --tls-key and --tls-ca go together: the server's certificate chain, its"
                + " key, and the CA that issued it (which desktops are told to trust)");
      }
      for (Path p : new Path[] {tlsCert, tlsKey, tlsCa}) {
        if (p != null && !java.nio.file.Files.isReadable(p)) {
          problems.add("cannot read " + p);
        }
      }
      if (!"desktop".equals(agentAuth) && !"token".equals(agentAuth)) {
        problems.add("--agent-auth must be desktop or token, was '" + agentAuth + "'");
      }
      if (any && plaintext) {
        problems.add(
            "--plaintext turns TLS off, so it cannot go with --tls-cert/--tls-key/--tls-ca");
      }
      if (plaintext && publicUrl != null && publicUrl.startsWith("https:")) {
        problems.add("--public-url is https, but --plaintext serves http");
      }
    }

    private void checkHttp(List<String> problems) {
      checkRange(problems, "--http-api-requests", httpApiRequests, 1, 10_000);
      checkRange(problems, "--http-upload-requests", httpUploadRequests, 1, 10_000);
      checkRange(problems, "--http-replay-requests", httpReplayRequests, 1, 10_000);
      long areas = (long) httpApiRequests + httpUploadRequests + httpReplayRequests;
      if (httpThreads < 32 || httpThreads > 20_000) {
        problems.add("--http-threads must be 32..20000, was " + httpThreads);
      } else if (httpThreads < areas + RESERVED_HTTP_THREADS) {
        // each area's bound must leave threads for the others, or one could starve them all
        problems.add(
            "--http-threads ("
                + httpThreads
                + ") must be at least --http-api-requests + "
                + "--http-upload-requests + --http-replay-requests + "
                + RESERVED_HTTP_THREADS
                + " ("
                + (areas + RESERVED_HTTP_THREADS)
                + ")");
      }
      if (httpMinBodyRate != 0 && (httpMinBodyRate < 16 || httpMinBodyRate > 100_000_000)) {
        problems.add(
            "--http-min-body-rate must be 16..100000000 bytes/s (0: no minimum), was "
                + httpMinBodyRate);
      }
      if (httpIdleTimeoutMs < 1_000 || httpIdleTimeoutMs > 600_000) {
        problems.add("--http-idle-timeout must be 1000..600000 ms, was " + httpIdleTimeoutMs);
      }
      checkRange(problems, "--logins-per-address", loginsPerAddress, 1, 1_000);
    }

    private void checkDatabase(List<String> problems) {
      checkRange(problems, "--control-threads", controlThreads, 1, 256);
      checkRange(problems, "--db-pool-size", dbPoolSize, 2, 1_000);
      if (controlThreads >= dbPoolSize) {
        // each control thread holds at most one connection; the HTTP port must always find one free
        problems.add(
            "--control-threads ("
                + controlThreads
                + ") must be less than --db-pool-size ("
                + dbPoolSize
                + ")");
      }
    }

    private static void checkRange(List<String> problems, String flag, int v, int min, int max) {
      if (v < min || v > max) {
        problems.add(flag + " must be " + min + ".." + max + ", was " + v);
      }
    }

    private static void checkPort(List<String> problems, String flag, int port) {
      if (port < 0 || port > 65535) {
        problems.add(flag + " must be 0..65535 (0 picks a free port), was " + port);
      }
    }
  }
}
