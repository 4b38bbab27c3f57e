package cz.zoom.screenrec.client;

import cz.zoom.screenrec.client.budget.UploadBudget;
import cz.zoom.screenrec.client.capture.Recorder;
import cz.zoom.screenrec.client.capture.ScreenSource;
import cz.zoom.screenrec.client.control.ClockEstimate;
import cz.zoom.screenrec.client.control.ConnectionState;
import cz.zoom.screenrec.client.control.ControlClient;
import cz.zoom.screenrec.client.control.FailbackPolicy;
import cz.zoom.screenrec.client.control.ReconnectPolicy;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.ownership.RecordingOwnership;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.client.upload.Uploader;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Screen;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole Capture Client, wired: spool on disk, uploader draining it, recorder filling it and the
 * control connection driving the recorder. {@link #start()} returns at once; every thread is a
 * daemon, so the caller decides how long the process lives.
 */
public final class CaptureClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CaptureClient.class);

  private final Spool spool;
  private final Uploader uploader;
  private final Recorder recorder;
  private final RecordingOwnership recordings;
  private final ControlClient control;

  private CaptureClient(Builder b) throws IOException {
    this.spool = new Spool(b.config.spoolDir(), b.config.spoolLimits());
    if (b.tls == null) {
      throw new IllegalStateException("say how this desktop speaks to servers: tls(DesktopTls)");
    }
    UploadBudget budget = new UploadBudget(CaptureSettings.DEFAULT.maxKbps());
    this.uploader =
        new Uploader(spool, b.uploadPoll, b.uploadRetryInitial, b.uploadRetryMax, b.tls, budget);
    this.recorder = new Recorder(b.screenSource, spool, budget);
    this.recordings =
        RecordingOwnership.forDesktop(b.config.agent(), recorder, spool, b.orphanBound);
    recordings.settingsTo(s -> budget.kbps(s.maxKbps()));
    ScreenSource source = b.screenSource;
    this.control =
        new ControlClient(
            b.identity,
            b.config.hosts(),
            b.reconnectPolicy,
            recordings,
            () -> helloScreens(source),
            b.connectTimeout,
            b.helloTimeout,
            b.failback,
            b.failbackInterval,
            b.tls);
    recordings.reportTo(control::sendIfConnected);
  }

  public static Builder builder(ClientConfig config, ScreenSource screenSource) {
    return new Builder(config, screenSource);
  }

  /** Repairs the spool, resumes uploading what it holds, and connects. */
  public CaptureClient start() throws IOException {
    spool.recover();
    uploader.start();
    control.start();
    return this;
  }

  public ConnectionState connectionState() {
    return control.state();
  }

  public Optional<ServerAddress> server() {
    return control.server();
  }

  public ClockEstimate clock() {
    return control.clock();
  }

  public Recorder.State recorderState() {
    return recorder.state();
  }

  /** The spool this client keeps its segments in until a server stored them. */
  public Spool spool() {
    return spool;
  }

  /** Ends a recording in progress (its final segment is spooled and reported), then disconnects. */
  @Override
  public void close() {
    try {
      recordings.stopForShutdown().get(10, TimeUnit.SECONDS).ifPresent(control::sendIfConnected);
    } catch (Exception e) {
      log.warn("recording in progress could not be finished cleanly: {}", e.toString());
    }
    control.close();
    recordings.close();
    recorder.close();
    uploader.close();
  }

  static List<Screen> helloScreens(ScreenSource source) {
    try {
      return source.screens().stream()
          .limit(Limits.MAX_SCREENS)
          .map(CaptureClient::toScreen)
          .toList();
    } catch (RuntimeException e) {
      log.warn("cannot read the screen layout: {}", e.toString());
      return List.of();
    }
  }

  private static Screen toScreen(ScreenLayout s) {
    return new Screen(s.id(), s.x(), s.y(), s.width(), s.height());
  }

  /** Settings that are fixed in production and small in tests. */
  public static final class Builder {
    private final ClientConfig config;
    private final ScreenSource screenSource;
    private ClientIdentity identity;
    private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration helloTimeout = Duration.ofSeconds(10);
    private Duration orphanBound;
    private FailbackPolicy failback;
    private Duration failbackInterval;
    private Duration uploadPoll = Duration.ofSeconds(5);
    private Duration uploadRetryInitial = Duration.ofSeconds(1);
    private Duration uploadRetryMax = Duration.ofSeconds(60);
    private DesktopTls tls;

    private Builder(ClientConfig config, ScreenSource screenSource) {
      this.config = config;
      this.screenSource = screenSource;
      this.identity = ClientIdentity.of(config.agent());
      this.orphanBound = config.orphanLimit();
      this.failback = config.failback();
      this.failbackInterval = config.failbackInterval();
    }

    /** The desktop's credentials (or in clear for a --plaintext lab server): required. */
    public Builder tls(DesktopTls value) {
      tls = value;
      return this;
    }

    public Builder identity(ClientIdentity value) {
      identity = value;
      return this;
    }

    public Builder reconnectPolicy(ReconnectPolicy value) {
      reconnectPolicy = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    /** How long a server may take to answer HELLO before the client gives up on it. */
    public Builder helloTimeout(Duration value) {
      helloTimeout = value;
      return this;
    }

    /** How long a recording is captured on without a server that owns it. */
    public Builder orphanBound(Duration value) {
      orphanBound = value;
      return this;
    }

    public Builder failback(FailbackPolicy policy, Duration interval) {
      failback = policy;
      failbackInterval = interval;
      return this;
    }

    public Builder uploadRetry(Duration initial, Duration max) {
      uploadRetryInitial = initial;
      uploadRetryMax = max;
      return this;
    }

    public Builder uploadPoll(Duration value) {
      uploadPoll = value;
      return this;
    }

    public CaptureClient build() throws IOException {
      return new CaptureClient(this);
    }
  }
}
