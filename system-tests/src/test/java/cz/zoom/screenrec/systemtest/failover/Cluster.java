package cz.zoom.screenrec.systemtest.failover;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ServerProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One of the two independent clusters: a server process on its own loopback address, with its own
 * data directory and cluster id, whose Media Upload Server the client reaches through a {@link
 * MusProxy}. It can be killed, stalled (SIGSTOP) and restarted on the same ports and data.
 */
final class Cluster {
  final String id;
  final String bind;
  final MusProxy mus;
  private final Path dataDir;
  private final String apiToken = "test-" + UUID.randomUUID();
  private final ProcessGuard guard;
  private final List<String> serverArgs;
  private volatile ServerProcess server;

  private Cluster(
      ProcessGuard guard, String id, String bind, Path dataDir, List<String> serverArgs) {
    this.guard = guard;
    this.id = id;
    this.bind = bind;
    this.dataDir = dataDir;
    this.serverArgs = serverArgs;
    this.mus = guard.add(MusProxy.start(bind));
  }

  /** A cluster not yet started; {@code serverArgs} are added to the server's command line. */
  static Cluster of(
      ProcessGuard guard, String id, String bind, Path dataDir, List<String> serverArgs) {
    return new Cluster(guard, id, bind, dataDir, serverArgs);
  }

  /** Starts the server on free ports; returns once it is healthy. */
  Cluster start() {
    return startOn(0, 0);
  }

  /** Starts the server again on the ports and data directory it had, as after a machine restart. */
  Cluster restart() {
    ServerProcess before = server;
    if (before.isAlive()) {
      throw new IllegalStateException(id + " is still running");
    }
    return startOn(before.controlPort(), before.httpPort());
  }

  private Cluster startOn(int controlPort, int httpPort) {
    ServerProcess.Builder b =
        ServerProcess.builder()
            // C1 only and one GC thread: these JVMs live for seconds on a 2-core machine shared
            // with
            // another server, the client and Xvfb; full JIT work there only slows their start-up
            .jvmArg("-XX:TieredStopAtLevel=1")
            .jvmArg("-XX:+UseSerialGC")
            .bind(bind)
            .clusterId(id)
            .apiToken(apiToken)
            .dataDir(dataDir)
            .fps(TwoClustersFailoverTest.FPS)
            .segmentDurationMs(TwoClustersFailoverTest.SEGMENT_MS)
            .heartbeatIntervalMs(TwoClustersFailoverTest.HEARTBEAT_MS)
            .deadPeerTimeoutMs(TwoClustersFailoverTest.DEAD_PEER_MS)
            .arg("--public-url", mus.publicUrl(!serverArgs.contains("--plaintext")));

    serverArgs.forEach(b::arg);
    if (controlPort != 0) {
      b.ports(controlPort, httpPort);
    }
    ServerProcess s = guard.add(b.start());
    server = s;
    mus.forwardTo(s);
    return this;
  }

  ServerProcess server() {
    return server;
  }

  ScreenRecApi api() {
    return server.api();
  }

  String controlAddress() {
    return server.controlAddress();
  }

  /** SIGKILL, as when the cluster's machine dies. */
  void kill() {
    server.kill();
  }

  /**
   * SIGSTOP: the process keeps its sockets (the kernel still accepts connections) but answers
   * nothing. The test's clean-up continues it first, so it can be ended like any other.
   */
  void stall() {
    long pid = server.pid();
    guard.add(
        () -> {
          if (Signals.state(pid) == 'T') {
            Signals.cont(pid);
          }
        });
    Signals.stop(pid);
  }

  void resume() {
    Signals.cont(server.pid());
  }

  /** The role this cluster's API shows for the agent, if it lists it. */
  Optional<String> roleOf(String agent) {
    return agentJson(agent).map(a -> a.path("role").asText());
  }

  /**
   * The role, once the session works both ways: the server lists an agent as soon as it has
   * accepted its HELLO, before the client has its WELCOME; a reported heartbeat round trip means
   * the client got WELCOME, heartbeats and heard the answers.
   */
  Optional<String> establishedRoleOf(String agent) {
    return agentJson(agent)
        .filter(a -> a.path("roundTripMs").asLong(-1) >= 0)
        .map(a -> a.path("role").asText());
  }

  private Optional<JsonNode> agentJson(String agent) {
    ScreenRecApi.Response r = api().get("api/v1/agents");
    if (r.status() != 200) {
      throw new ScreenRecApi.ApiException(r);
    }
    for (JsonNode a : r.json()) {
      if (agent.equals(a.path("agent").asText())) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** GET /api/v1/recordings/{id} as JSON: parts, missingSegments, adopted, originClusterId, ... */
  Optional<JsonNode> recording(String recordingId) {
    ScreenRecApi.Response r = api().get("api/v1/recordings/" + recordingId);
    if (r.status() == 404) {
      return Optional.empty();
    }
    if (r.status() != 200) {
      throw new ScreenRecApi.ApiException(r);
    }
    return Optional.of(r.json());
  }

  /**
   * index → SHA-256 of the segments of a recording this cluster holds (none if it does not know
   * it).
   */
  Map<Integer, String> held(String recordingId) {
    Map<Integer, String> out = new TreeMap<>();
    recording(recordingId)
        .ifPresent(
            r ->
                r.path("segments")
                    .forEach(s -> out.put(s.path("index").asInt(), s.path("sha256").asText())));
    return out;
  }

  /** The clusterId of every segment of the recording held here. */
  List<String> segmentClusters(String recordingId) {
    List<String> out = new ArrayList<>();
    recording(recordingId)
        .ifPresent(r -> r.path("segments").forEach(s -> out.add(s.path("clusterId").asText())));
    return out;
  }

  @Override
  public String toString() {
    return id + " (" + server + ")";
  }
}
