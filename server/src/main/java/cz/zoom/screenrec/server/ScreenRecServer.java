package cz.zoom.screenrec.server;

import cz.zoom.screenrec.encode.EncoderSettings;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.server.api.AgentRoutes;
import cz.zoom.screenrec.server.api.CallRoutes;
import cz.zoom.screenrec.server.api.EnrollmentRoutes;
import cz.zoom.screenrec.server.api.HealthRoutes;
import cz.zoom.screenrec.server.api.MetricsRoutes;
import cz.zoom.screenrec.server.api.PluginRoutes;
import cz.zoom.screenrec.server.api.RecordingRoutes;
import cz.zoom.screenrec.server.api.SegmentUploadRoutes;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.control.AgentRegistry;
import cz.zoom.screenrec.server.control.AgentSession;
import cz.zoom.screenrec.server.control.ControlServer;
import cz.zoom.screenrec.server.core.Resources;
import cz.zoom.screenrec.server.encode.EncodeWorkers;
import cz.zoom.screenrec.server.encode.VideoLayouts;
import cz.zoom.screenrec.server.enrollment.AgentTokens;
import cz.zoom.screenrec.server.enrollment.DesktopSightings;
import cz.zoom.screenrec.server.enrollment.Enrollment;
import cz.zoom.screenrec.server.enrollment.EnrollmentStore;
import cz.zoom.screenrec.server.evidence.RecordingEvidence;
import cz.zoom.screenrec.server.evidence.Sealer;
import cz.zoom.screenrec.server.health.ControlPortHealthCheck;
import cz.zoom.screenrec.server.health.DatabaseHealthCheck;
import cz.zoom.screenrec.server.health.DiskSpaceHealthCheck;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.HttpLimits;
import cz.zoom.screenrec.server.peers.PeerRecordingOrigins;
import cz.zoom.screenrec.server.peers.Peers;
import cz.zoom.screenrec.server.ready.ReadyWorker;
import cz.zoom.screenrec.server.recording.RecordingService;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.replay.ReplayFeature;
import cz.zoom.screenrec.server.storage.Database;
import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.server.storage.OwnerOnly;
import cz.zoom.screenrec.server.tls.ClusterTls;
import cz.zoom.screenrec.server.upload.SegmentIntake;
import cz.zoom.screenrec.trust.Pem;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server node: control port, HTTP port (REST, MUS, health, metrics), metadata database, media
 * store and encoder pool. Owns every resource it starts and closes them in reverse order.
 */
public final class ScreenRecServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ScreenRecServer.class);

  private final Resources resources = new Resources();
  private final AgentRegistry agents = new AgentRegistry();
  private ControlServer control;
  private HttpApi http;
  private String apiToken;

  private ScreenRecServer(ServerConfig config) throws Exception {
    try {
      startAll(config);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private void startAll(ServerConfig config) throws Exception {
    Clock clock = Clock.systemUTC();
    // recordings and secrets are the server user's alone, whatever the umask (DESIGN: invariants)
    OwnerOnly.directories(config.dataDir());
    OwnerOnly.restrict(config.dataDir());
    apiToken =
        config.apiToken() != null ? config.apiToken() : ApiTokenFile.readOrCreate(config.dataDir());

    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);

    Database database =
        own(
            new Database(
                config.dbUrl(), config.dbUser(), config.dbPassword(), config.dbPoolSize()));
    RecordingStore store = new RecordingStore(new Jdbc(database.dataSource()));
    ClusterTls tls =
        config.tlsCert() != null
            ? ClusterTls.withOperatorCertificate(
                config.tlsDir(),
                config.clusterId(),
                config.tlsCert(),
                config.tlsKey(),
                config.tlsCa())
            : ClusterTls.loadOrCreate(
                config.tlsDir(),
                config.clusterId(),
                ClusterTls.namesOf(config.bindAddress(), config.publicUrl()));
    if (config.plaintext()) {
      log.warn(
          "--plaintext: both ports speak in clear; anyone on the network can read screens, "
              + "upload tokens and the API token. For a lab only.");
    }
    EnrollmentStore desktops = new EnrollmentStore(new Jdbc(database.dataSource()));
    Enrollment enrollment =
        new Enrollment(
            desktops,
            tls,
            clock,
            agents::closeDesktop,
            config.agentTokens() ? new AgentTokens(tls.clusterCa(), clock) : null,
            own(new DesktopSightings(desktops, Duration.ofSeconds(1))));
    enrollment.firstToken(config.dataDir().resolve("enroll-token"));
    LocalMediaStore media = new LocalMediaStore(config.mediaDir());
    Sealer sealer = new Sealer(tls.clusterCa(), config.clusterId(), clock);
    RecordingEncoder encoder =
        new RecordingEncoder(
            EncoderSettings.of(config.videoCodec(), config.capture().framesPerSecond()));
    EncodeWorkers encodes =
        own(
            new EncodeWorkers(
                store,
                media,
                encoder,
                config.encoderThreads(),
                new EncodeWorkers.Bounds(
                    config.encodeBudgetFactor(),
                    config.encodeBudgetMin(),
                    config.maxWaitingEncodes()),
                metrics,
                clock));
    ReadyWorker ready =
        own(
            new ReadyWorker(
                store,
                media,
                encoder,
                Duration.ofMillis(config.capture().segmentDurationMs()),
                metrics,
                clock,
                new RecordingEvidence(sealer, media)));

    metrics.gauge("screenrec.agents.connected", agents, AgentRegistry::size);
    Peers peers =
        own(
            new Peers(
                config.peers(), config.peerTimeout(), config.clusterId(), tls.peerClientContext()));
    RecordingService recordings =
        new RecordingService(config, store, agents, ready, new PeerRecordingOrigins(peers), clock);
    control =
        own(
            new ControlServer(
                config,
                agents,
                recordings,
                metrics,
                config.plaintext() ? null : tls.controlPortContext(),
                enrollment));

    ReplayFeature replay =
        own(
            new ReplayFeature(
                config,
                database,
                store,
                media,
                new VideoLayouts(store, media, encoder),
                encoder,
                encodes,
                peers,
                sealer,
                clock));
    List<HttpApi.Routes> routes =
        new ArrayList<>(
            List.of(
                new HealthRoutes(
                    List.of(
                        new DatabaseHealthCheck(database),
                        new ControlPortHealthCheck(control, agents),
                        new DiskSpaceHealthCheck(config.mediaDir(), 512L * 1024 * 1024))),
                new MetricsRoutes(metrics),
                new CallRoutes(recordings),
                new AgentRoutes(agents, config.capture()),
                new EnrollmentRoutes(enrollment, Pem.of(tls.serverCa())),
                new PluginRoutes(config.pluginsDir(), config.publicUrl()),
                new RecordingRoutes(store, media, encodes),
                new SegmentUploadRoutes(
                    new SegmentIntake(
                        store,
                        media,
                        recordings,
                        config.clusterId(),
                        config.maxSegmentBytes(),
                        config.maxRecordingBytes(),
                        metrics,
                        clock))));
    routes.addAll(replay.routes());
    http =
        own(
            new HttpApi(
                apiToken,
                httpLimits(config),
                replay.sessionGuard(),
                config.plaintext() ? null : tls.httpsContext(),
                routes));
    http.start(config.bindAddress(), config.httpPort());
    ready.resumeInterrupted();
    ScheduledExecutorService sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "upload-sweeper");
              t.setDaemon(true);
              return t;
            });
    own(sweeper::shutdownNow);
    long sweepMs = Math.max(1_000, Math.min(60_000, config.uploadGrace().toMillis() / 4));
    sweeper.scheduleWithFixedDelay(
        () -> {
          try {
            recordings.closeStalledUploads();
          } catch (RuntimeException e) {
            log.error("sweeping stalled uploads failed", e);
          }
        },
        sweepMs,
        sweepMs,
        TimeUnit.MILLISECONDS);
    log.info(
        "ScreenRec server ready: cluster {}, control {}:{}, http {}:{}, data {}, uploads to {}",
        config.clusterId(),
        config.bindAddress(),
        control.port(),
        config.bindAddress(),
        http.port(),
        config.dataDir(),
        config.uploadUrl());
  }

  /** The HTTP port's bounds as the configuration sets them. */
  public static HttpLimits httpLimits(ServerConfig config) {
    return new HttpLimits(
        config.httpThreads(),
        config.httpApiRequests(),
        config.httpUploadRequests(),
        config.httpReplayRequests(),
        config.httpMinBodyRate(),
        config.httpIdleTimeout());
  }

  /** Starts a node; on failure everything already started is closed again. */
  public static ScreenRecServer start(ServerConfig config) throws Exception {
    return new ScreenRecServer(config);
  }

  public int controlPort() {
    return control.port();
  }

  public int httpPort() {
    return http.port();
  }

  public String apiToken() {
    return apiToken;
  }

  /** The routes of the HTTP port and who may call each. */
  public List<HttpApi.Route> httpRoutes() {
    return http.routes();
  }

  @Override
  public void close() {
    for (AgentSession s : agents.all()) {
      s.close(ErrorCode.SHUTTING_DOWN, "server is shutting down; reconnect with backoff");
    }
    resources.close();
  }

  private <T extends AutoCloseable> T own(T resource) {
    return resources.own(resource);
  }
}
