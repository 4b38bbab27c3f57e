package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.core.Resources;
import cz.zoom.screenrec.server.encode.EncodeWorkers;
import cz.zoom.screenrec.server.encode.VideoLayouts;
import cz.zoom.screenrec.server.evidence.Sealer;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.peers.Peers;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.replay.audio.AudioService;
import cz.zoom.screenrec.server.replay.audio.AudioStore;
import cz.zoom.screenrec.server.replay.audit.AuditLog;
import cz.zoom.screenrec.server.replay.auth.AdminPasswordFile;
import cz.zoom.screenrec.server.replay.auth.AuthService;
import cz.zoom.screenrec.server.replay.auth.UserStore;
import cz.zoom.screenrec.server.replay.export.CallExporter;
import cz.zoom.screenrec.server.replay.export.ExportService;
import cz.zoom.screenrec.server.replay.ui.ReplayPages;
import cz.zoom.screenrec.server.storage.Database;
import cz.zoom.screenrec.server.storage.Jdbc;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay in one place: audio intake, peer clusters, users and sessions, audit, the replay API,
 * media proxy, export worker and the UI's pages. The server adds {@link #routes()} to its HTTP port
 * and closes this with everything else.
 */
public final class ReplayFeature implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplayFeature.class);

  private final Resources resources = new Resources();
  private final List<HttpApi.Routes> routes = new ArrayList<>();
  private ReplayAuth guard;

  /**
   * @param peers the other clusters, owned (and closed) by the caller
   */
  public ReplayFeature(
      ServerConfig config,
      Database database,
      RecordingStore store,
      LocalMediaStore media,
      VideoLayouts layouts,
      RecordingEncoder encoder,
      EncodeWorkers encodes,
      Peers peers,
      Sealer sealer,
      Clock clock)
      throws IOException {
    try {
      startAll(config, database, store, media, layouts, encoder, encodes, peers, sealer, clock);
    } catch (IOException | RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private void startAll(
      ServerConfig config,
      Database database,
      RecordingStore store,
      LocalMediaStore media,
      VideoLayouts layouts,
      RecordingEncoder encoder,
      EncodeWorkers encodes,
      Peers peers,
      Sealer sealer,
      Clock clock)
      throws IOException {
    Jdbc jdbc = new Jdbc(database.dataSource());
    AuditLog audit = new AuditLog(database.dataSource(), clock);
    AuthService auth =
        new AuthService(
            new UserStore(jdbc),
            audit,
            clock,
            config.sessionIdle(),
            config.sessionMax(),
            config.loginLock());
    Optional<String> generated = auth.ensureFirstAdmin(config.adminPassword());
    if (generated.isPresent()) {
      Path file = AdminPasswordFile.write(config.dataDir(), generated.get());
      log.warn(
          "replay UI: user 'admin' created; its password is in {} (owner-only). Change it after the first login.",
          file);
    }
    AudioService audio =
        new AudioService(new AudioStore(jdbc, media.root()), config.maxAudioBytes(), sealer, clock);
    LocalCalls local =
        new LocalCalls(
            config.clusterId(), store, audio.store(), layouts, jdbc, own(new SegmentGaps(media)));
    ReplayCalls calls = new ReplayCalls(local, peers);
    Thumbnails thumbnails = own(new Thumbnails(store, media, encoder));
    ExportService exports =
        own(
            new ExportService(
                config.dataDir().resolve("exports"),
                new CallExporter(config.capture().framesPerSecond()),
                sealer,
                clock));

    // the UI's pages (session cookie, login page open)
    routes.add(new ReplayPages());
    // machine API (bearer token): the call recorder's audio, and what peer clusters ask
    routes.add(new AudioRoutes(audio, config.clusterId()));
    routes.add(new ClusterRoutes(local, store, thumbnails));
    // replay UI (session cookie)
    guard = new ReplayAuth(auth, config.publicUrl());
    routes.add(new SessionRoutes(auth, guard, config.loginsPerAddress()));
    routes.add(new AdminRoutes(auth, audit));
    routes.add(new ReplayCallRoutes(calls, store, media, encodes, audio, peers, exports, audit));
    routes.add(
        new MediaRoutes(config.clusterId(), store, media, audio, thumbnails, encodes, peers));
    if (!config.peers().isEmpty()) {
      log.info("replay gathers media from peer clusters {}", config.peers());
    }
  }

  private <T extends AutoCloseable> T own(T resource) {
    return resources.own(resource);
  }

  public List<HttpApi.Routes> routes() {
    return List.copyOf(routes);
  }

  /** Checks the session of requests to the routes of the replay UI and its API. */
  public HttpApi.SessionGuard sessionGuard() {
    return guard;
  }

  @Override
  public void close() {
    resources.close();
  }
}
