package cz.zoom.screenrec.systemtest.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.systemtest.failover.ScreenVideo.Paint;
import cz.zoom.screenrec.testkit.ClientProcess;
import cz.zoom.screenrec.testkit.ScreenRecApi.ApiException;
import cz.zoom.screenrec.testkit.ScreenRecApi.Recording;
import cz.zoom.screenrec.testkit.ServerProcess;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-over with real processes: two independent clusters (own server process, loopback address,
 * data directory, database, MUS and cluster id) and one Capture Client on Xvfb started with {@code
 * -host <primary> -host <secondary>}. Both clusters' call-event feeds hear every call, as in the
 * field. Short heartbeats (500 ms, dead peer after 2 s) and 1-second segments keep it fast.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TwoClustersFailoverTest {
  static final int FPS = 5;
  static final long FRAME_MS = 1000 / FPS;
  static final int SEGMENT_MS = 1000;
  static final int HEARTBEAT_MS = 500;
  static final int DEAD_PEER_MS = 2000;

  /** A recording with another cluster's part missing is encoded after this much upload silence. */
  static final int SECONDARY_UPLOAD_GRACE_MS = 4000;

  static final String AGENT = "alice";
  static final Duration WAIT = Duration.ofSeconds(60);
  static final long TIMING_SLACK_MS = 200;

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  static XvfbDisplay display;

  @TempDir Path tmp;

  Cluster primary;
  Cluster secondary;
  ClientProcess client;

  @BeforeAll
  static void startDisplay() {
    display = processes.add(XvfbDisplay.start(1280, 720));
  }

  /**
   * Both servers (in parallel: each is a JVM start-up) and the client, connected to the primary.
   */
  private void startClustersAndClient() throws Exception {
    display.paint(Paint.BLACK.color);
    primary = Cluster.of(processes, "cluster-a", "127.0.0.1", tmp.resolve("a"), List.of());
    secondary =
        Cluster.of(
            processes,
            "cluster-b",
            "127.0.0.2",
            tmp.resolve("b"),
            List.of("--upload-grace", String.valueOf(SECONDARY_UPLOAD_GRACE_MS)));
    // one cluster CA in both data dirs before either starts, as an operator sets up a pair
    ServerProcess.shareNewClusterCa(tmp.resolve("a"), tmp.resolve("b"));
    CompletableFuture<Cluster> a = CompletableFuture.supplyAsync(primary::start);
    CompletableFuture<Cluster> b = CompletableFuture.supplyAsync(secondary::start);
    CompletableFuture.allOf(a, b).join();
    client =
        processes.add(
            ClientProcess.builder(AGENT)
                .server(primary.server())
                .server(secondary.server())
                .display(display)
                .jvmArg("-XX:TieredStopAtLevel=1")
                .jvmArg("-XX:+UseSerialGC")
                .arg("--failback-interval", "1")
                .start());
    awaitControlledBy(primary, "primary", WAIT);
  }

  // ---- 1 -------------------------------------------------------------------------------------

  @Test
  void primaryKilledBetweenCalls_theNextCallIsRecordedBySecondary() throws Exception {
    startClustersAndClient();

    primary.kill();
    awaitControlledBy(secondary, "secondary", WAIT);

    String callId = newCallId();
    String recordingId = startCallOnBothFeeds(callId, secondary);
    secondary.api().awaitAgentState(AGENT, "RECORDING", WAIT);
    Instant blue = display.paint(Paint.BLUE.color);
    awaitSegments(secondary, recordingId, 2);
    long endSent = System.currentTimeMillis();
    endCallOnBothFeeds(callId, secondary);

    Recording rec = secondary.api().awaitReady(recordingId, WAIT);
    assertThat(rec.clusterId()).isEqualTo("cluster-b");
    JsonNode json = secondary.recording(recordingId).orElseThrow();
    assertThat(json.path("adopted").asBoolean()).as(json.toString()).isFalse();
    assertThat(json.path("missingSegments")).as(json.toString()).isEmpty();
    assertThat(secondary.segmentClusters(recordingId)).containsOnly("cluster-b");
    assertCapturedSegmentsAllStored(recordingId, rec.segments().size());
    ScreenVideo video = video(secondary, rec);
    assertThat(video.at((blue.toEpochMilli() + endSent) / 2 - rec.startedAt()))
        .as(video.toString())
        .isEqualTo(Paint.BLUE);
  }

  // ---- 2 -------------------------------------------------------------------------------------

  @Test
  void primaryKilledDuringCall_everyCapturedSegmentIsOnOneClusterAndTheSecondaryAdoptsTheRest()
      throws Exception {
    startClustersAndClient();
    Instant red = display.paint(Paint.RED.color);
    String callId = newCallId();
    String recordingId = startCallOnBothFeeds(callId, primary);
    awaitSegments(primary, recordingId, 2);

    long killedAt = System.currentTimeMillis();
    primary.kill();
    // painted while the client has no server at all: capture must not depend on the connection
    Instant green = display.paint(Paint.GREEN.color);
    awaitControlledBy(secondary, "secondary", WAIT);
    long overAt = System.currentTimeMillis();
    secondary.api().awaitAgentState(AGENT, "RECORDING", WAIT);

    JsonNode adopted = secondary.recording(recordingId).orElseThrow();
    assertThat(adopted.path("adopted").asBoolean()).as(adopted.toString()).isTrue();
    assertThat(adopted.path("originClusterId").asText())
        .as(adopted.toString())
        .isEqualTo("cluster-a");
    assertThat(adopted.path("clusterId").asText()).isEqualTo("cluster-b");
    assertThat(adopted.path("callId").asText()).isEqualTo(callId);

    // green must be in the secondary's part for a while before the call ends
    awaitSegmentsAfter(secondary, recordingId, green.toEpochMilli() + 2 * SEGMENT_MS);
    long endSent = System.currentTimeMillis();
    endCallOnBothFeeds(callId, secondary);
    Recording onSecondary = secondary.api().awaitReady(recordingId, WAIT);

    // the primary's part: it comes back on the same ports and data, and shows what it had made
    // durable
    primary.restart();
    Map<Integer, String> onA = primary.held(recordingId);
    Map<Integer, String> onB = secondary.held(recordingId);
    int total = secondary.recording(recordingId).orElseThrow().path("segmentCount").asInt();
    assertThat(onA).as("the primary's part").hasSizeGreaterThanOrEqualTo(2);
    assertThat(onB).as("the secondary's part").isNotEmpty();
    assertThat(primary.segmentClusters(recordingId)).containsOnly("cluster-a");
    assertThat(secondary.segmentClusters(recordingId)).containsOnly("cluster-b");
    Map<Integer, String> union = new TreeMap<>(onA);
    onB.forEach(
        (i, sha) -> {
          String other = union.putIfAbsent(i, sha);
          assertThat(other == null || other.equals(sha))
              .as("segment %d differs between the clusters", i)
              .isTrue();
        });
    assertThat(union.keySet())
        .as("A holds %s, B holds %s", onA.keySet(), onB.keySet())
        .containsExactlyElementsOf(IntStream.range(0, total).boxed().toList());
    assertThat(secondary.recording(recordingId).orElseThrow().path("missingSegments"))
        .extracting(JsonNode::asInt)
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, total).filter(i -> !onB.containsKey(i)).boxed().toList());
    assertCapturedSegmentsAllStored(recordingId, total);

    // the secondary's video: the green painted after the kill shows when it was painted
    ScreenVideo video = video(secondary, onSecondary);
    long t0 = onSecondary.startedAt();
    String timeline =
        video
            + "; painted (video ms): red "
            + (red.toEpochMilli() - t0)
            + ", kill "
            + (killedAt - t0)
            + ", green "
            + (green.toEpochMilli() - t0)
            + ", on secondary "
            + (overAt - t0)
            + ", call end "
            + (endSent - t0)
            + "; A holds "
            + onA.keySet()
            + ", B holds "
            + onB.keySet();
    long greenMs = green.toEpochMilli() - t0;
    // one frame interval, plus the error of the secondary's clock-offset estimate (half a heartbeat
    // round trip) and a capture tick that runs late: on a 2-core CI machine at load 10-15 the first
    // frame after the change was seen 224 and 286 ms after the paint
    assertThat(video.firstFrameOf(Paint.GREEN))
        .as(timeline)
        .isBetween(greenMs - FRAME_MS - TIMING_SLACK_MS, greenMs + FRAME_MS + TIMING_SLACK_MS);
    assertThat(video.at((green.toEpochMilli() + endSent) / 2 - t0))
        .as(timeline)
        .isEqualTo(Paint.GREEN);
    System.out.printf(
        "[failover] kill mid-call: on the secondary %d ms after the kill; %s%n",
        overAt - killedAt, timeline);
  }

  // ---- 3 -------------------------------------------------------------------------------------

  @Test
  void primaryMusUnreachableDuringCall_segmentsWaitAndArriveWhenItIsBack() throws Exception {
    startClustersAndClient();
    String callId = newCallId();
    String recordingId = startCallOnBothFeeds(callId, primary);
    awaitSegments(primary, recordingId, 1);

    primary.mus.closePort();
    awaitSpooled(recordingId, 2);
    endCallOnBothFeeds(callId, primary);
    // STOP went over the control connection, which is fine: the recording waits for its segments
    JsonNode waiting =
        await("recording ended, segments missing")
            .atMost(WAIT)
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> primary.recording(recordingId).orElseThrow(),
                r -> r.path("status").asText().equals("UPLOADING") && r.hasNonNull("segmentCount"));
    assertThat(waiting.path("missingSegments")).as(waiting.toString()).isNotEmpty();

    primary.mus.reopen();
    Recording rec = primary.api().awaitReady(recordingId, WAIT);
    int total = rec.segments().size();
    assertThat(primary.recording(recordingId).orElseThrow().path("missingSegments")).isEmpty();
    assertThat(primary.segmentClusters(recordingId)).containsOnly("cluster-a");
    assertCapturedSegmentsAllStored(recordingId, total);
    assertThat(primary.held(recordingId).keySet())
        .containsExactlyElementsOf(IntStream.range(0, total).boxed().toList());
    assertThat(secondary.api().recordingsOfCall(callId))
        .as("the secondary never controlled the client")
        .isEmpty();
  }

  @Test
  void primaryMusUnreachableThenPrimaryDies_theSecondaryTakesTheWaitingSegments() throws Exception {
    startClustersAndClient();
    String callId = newCallId();
    String recordingId = startCallOnBothFeeds(callId, primary);
    awaitSegments(primary, recordingId, 1);

    primary.mus.closePort();
    awaitSpooled(recordingId, 2);
    endCallOnBothFeeds(callId, primary);
    await("the client stopped the recording")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> primary.recording(recordingId).orElseThrow().hasNonNull("segmentCount"));
    primary.kill();

    // the next server hears of the waiting recording in HELLO and takes its segments
    awaitControlledBy(secondary, "secondary", WAIT);
    Recording onSecondary = secondary.api().awaitReady(recordingId, WAIT);
    JsonNode taken = secondary.recording(recordingId).orElseThrow();
    assertThat(taken.path("originClusterId").asText()).as(taken.toString()).isEqualTo("cluster-a");
    assertThat(secondary.segmentClusters(recordingId)).containsOnly("cluster-b");

    // what the primary answered 2xx for before its MUS went away (that those survive its kill is
    // the previous test's business)
    Map<Integer, String> onA = new TreeMap<>();
    primary.mus.puts().stream()
        .filter(p -> p.recordingId().equals(recordingId) && p.status() / 100 == 2)
        .forEach(p -> onA.put(p.index(), p.sha256()));
    Map<Integer, String> onB = secondary.held(recordingId);
    int total = taken.path("segmentCount").asInt();
    assertThat(onA).isNotEmpty();
    assertThat(onB).isNotEmpty();
    assertThat(
            Stream.concat(onA.keySet().stream(), onB.keySet().stream()).collect(Collectors.toSet()))
        .as("A holds %s, B holds %s", onA.keySet(), onB.keySet())
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, total).boxed().toList());
    assertCapturedSegmentsAllStored(recordingId, total);
    assertThat(onSecondary.status()).isEqualTo("READY");
  }

  // ---- 4 -------------------------------------------------------------------------------------

  @Test
  void primaryBack_theClientFailsBackOnlyWhileIdle() throws Exception {
    startClustersAndClient();
    primary.kill();
    awaitControlledBy(secondary, "secondary", WAIT);
    String callId = newCallId();
    String recordingId = startCallOnBothFeeds(callId, secondary);
    secondary.api().awaitAgentState(AGENT, "RECORDING", WAIT);

    primary.restart();
    // three fail-back intervals with the primary healthy: the client stays while it records
    await("the client stays on the secondary while recording")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                primary.api().agent(AGENT).isEmpty()
                    && secondary
                        .api()
                        .agent(AGENT)
                        .map(a -> a.state().equals("RECORDING"))
                        .orElse(false));

    endCallOnBothFeeds(callId, secondary);
    long endedAt = System.currentTimeMillis();
    Recording rec = secondary.api().awaitReady(recordingId, WAIT);
    assertThat(secondary.segmentClusters(recordingId)).containsOnly("cluster-b");
    assertCapturedSegmentsAllStored(recordingId, rec.segments().size());

    // idle now: back to the primary within a fail-back interval or so
    awaitControlledBy(primary, "primary", Duration.ofSeconds(15));
    long backAt = System.currentTimeMillis();
    await("the secondary no longer controls the client")
        .atMost(Duration.ofSeconds(15))
        .until(() -> secondary.api().agent(AGENT).isEmpty());
    System.out.printf("[failover] fail-back %d ms after the call end%n", backAt - endedAt);

    // and the primary records the next call
    String next = newCallId();
    String nextId = startCallOnBothFeeds(next, primary);
    awaitSegments(primary, nextId, 1);
    endCallOnBothFeeds(next, primary);
    assertThat(primary.api().awaitReady(nextId, WAIT).clusterId()).isEqualTo("cluster-a");
  }

  // ---- 5 -------------------------------------------------------------------------------------

  @Test
  void stalledPrimary_isLeftAfterTheDeadPeerTimeout() throws Exception {
    startClustersAndClient();

    long stalledAt = System.currentTimeMillis();
    primary.stall();
    assertThat(Signals.state(primary.server().pid())).isEqualTo('T');
    // the stalled server still accepts TCP: only the heartbeat timeout can tell
    await("the secondary lists " + AGENT)
        .atMost(Duration.ofMillis(DEAD_PEER_MS + 5_000L))
        .pollInterval(Duration.ofMillis(20))
        .ignoreExceptions()
        .until(() -> secondary.roleOf(AGENT), r -> r.equals(Optional.of("secondary")));
    long detectedMs = System.currentTimeMillis() - stalledAt;
    awaitControlledBy(secondary, "secondary", WAIT);
    System.out.printf(
        "[failover] SIGSTOP → on the secondary after %d ms (dead-peer timeout %d ms)%n",
        detectedMs, DEAD_PEER_MS);
    assertThat(detectedMs)
        .as("from SIGSTOP to the secondary's API showing the client")
        .isBetween((long) DEAD_PEER_MS - HEARTBEAT_MS - 500, DEAD_PEER_MS + 2_500L);

    // it wakes up: the client, idle, goes back to it
    primary.resume();
    // the primary still lists the session from before the stall until it notices; the client's
    // move shows on the secondary, which it leaves only for the primary
    await("the client leaves the secondary")
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> secondary.api().agent(AGENT).isEmpty());
    awaitControlledBy(primary, "primary", Duration.ofSeconds(20));
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static String newCallId() {
    return "call-" + UUID.randomUUID();
  }

  /**
   * Waits until the cluster controls the client, as {@code role}, with heartbeats flowing both
   * ways.
   */
  private void awaitControlledBy(Cluster cluster, String role, Duration timeout) {
    await(cluster.id + " controls " + AGENT + " as " + role)
        .atMost(timeout)
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(() -> cluster.establishedRoleOf(AGENT), r -> r.equals(Optional.of(role)));
  }

  /**
   * Both clusters' call-event feeds hear the call. The one controlling the client starts recording;
   * the other remembers the call (409 agent_not_connected) or is down. Returns the recording id.
   */
  private String startCallOnBothFeeds(String callId, Cluster controlling) {
    String recordingId = controlling.api().startCall(callId, AGENT).recordingId();
    Cluster other = controlling == primary ? secondary : primary;
    feed(
        other,
        () -> {
          assertThatThrownBy(() -> other.api().startCall(callId, AGENT))
              .isInstanceOfSatisfying(
                  ApiException.class,
                  e -> {
                    assertThat(e.response().status()).isEqualTo(409);
                    assertThat(e.response().json().path("error").asText())
                        .isEqualTo("agent_not_connected");
                  });
        });
    return recordingId;
  }

  private void endCallOnBothFeeds(String callId, Cluster controlling) {
    assertThat(controlling.api().endCall(callId).callId()).isEqualTo(callId);
    Cluster other = controlling == primary ? secondary : primary;
    feed(other, () -> other.api().post("api/v1/calls/" + callId + "/end", null));
  }

  /** A call event to a cluster that may be down (killed): then it simply does not hear it. */
  private static void feed(Cluster cluster, Runnable event) {
    if (!cluster.server().isAlive()) {
      return;
    }
    event.run();
  }

  private static void awaitSegments(Cluster cluster, String recordingId, int count) {
    await(cluster.id + " holds " + count + " segment(s) of " + recordingId)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> cluster.held(recordingId).size() >= count);
  }

  /**
   * Waits until the cluster holds a segment that started after {@code clientTimeMs} (server time).
   */
  private static void awaitSegmentsAfter(Cluster cluster, String recordingId, long timeMs) {
    await(cluster.id + " holds segments after " + timeMs)
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode r = cluster.recording(recordingId).orElseThrow();
              for (JsonNode s : r.path("segments")) {
                if (s.path("startedAt").asLong(0) >= timeMs) {
                  return true;
                }
              }
              return false;
            });
  }

  /** Segments captured but not uploaded wait in the client's spool. */
  private void awaitSpooled(String recordingId, int count) {
    Path dir = client.spoolDir().resolve(recordingId);
    await(count + " segments waiting in the spool")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> segmentFiles(dir).size() >= count);
  }

  private static List<Path> segmentFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".seg")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every segment the client sent (to either cluster's MUS) is 0..total-1, each stored on a cluster
   * with the very bytes sent, and nothing of the recording is left in the client's spool (it keeps
   * a segment until a MUS confirmed it durable) or set aside as rejected.
   */
  private void assertCapturedSegmentsAllStored(String recordingId, int total) {
    Map<Integer, String> sent = new TreeMap<>(primary.mus.sent(recordingId));
    secondary
        .mus
        .sent(recordingId)
        .forEach(
            (i, sha) -> {
              String other = sent.putIfAbsent(i, sha);
              assertThat(other == null || other.equals(sha))
                  .as("segment %d sent with two bodies", i)
                  .isTrue();
            });
    assertThat(sent.keySet())
        .as("segment indices the client uploaded")
        .containsExactlyElementsOf(IntStream.range(0, total).boxed().toList());
    List<String> problems = new ArrayList<>();
    for (Cluster c : List.of(primary, secondary)) {
      if (!c.server().isAlive()) {
        continue;
      }
      c.held(recordingId)
          .forEach(
              (i, sha) -> {
                if (!sha.equals(sent.get(i))) {
                  problems.add(
                      c.id
                          + " holds segment "
                          + i
                          + " with "
                          + sha
                          + ", the client sent "
                          + sent.get(i));
                }
              });
    }
    assertThat(problems).isEmpty();
    await("the client's spool of " + recordingId + " cleared")
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !Files.exists(client.spoolDir().resolve(recordingId)));
    assertThat(client.spoolDir().resolve("rejected").resolve(recordingId)).doesNotExist();
  }

  private ScreenVideo video(Cluster cluster, Recording rec) throws Exception {
    Path file = tmp.resolve(rec.id() + "-" + cluster.id + ".video");
    cluster.api().downloadVideo(rec.id(), file);
    return ScreenVideo.read(file, FRAME_MS);
  }
}
