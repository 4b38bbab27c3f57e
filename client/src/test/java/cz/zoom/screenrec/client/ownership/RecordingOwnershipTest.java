package cz.zoom.screenrec.client.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.client.capture.CaptureBackend;
import cz.zoom.screenrec.client.capture.RecordingSpec;
import cz.zoom.screenrec.client.capture.RecordingSummary;
import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.protocol.ActiveRecording;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.UploadGrant;
import cz.zoom.screenrec.protocol.Welcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each transition does to the spool, the capture backend and the answers, with a real spool
 * and a capture backend the test scripts (the recorder and the IPC capture have their own tests,
 * and CaptureClientTest and the service's SessionRecordingTest run the whole).
 */
class RecordingOwnershipTest {
  static final Duration WAIT = Duration.ofSeconds(10);
  static final CaptureSettings FAST = new CaptureSettings(10, 1, 1_000, 1_000, List.of());

  @TempDir Path tmp;
  private Spool spool;
  private final ScriptedCapture capture = new ScriptedCapture();
  private final List<RecordingStopped> reported = new CopyOnWriteArrayList<>();
  private RecordingOwnership ownership;
  private final String a = UUID.randomUUID().toString();
  private final String b = UUID.randomUUID().toString();

  @BeforeEach
  void setUp() throws Exception {
    spool = new Spool(tmp.resolve("spool"));
    ownership = RecordingOwnership.forDesktop("alice", capture, spool, Duration.ofMinutes(10));
    ownership.reportTo(reported::add);
    ownership.sessionStarted(welcome("cluster-a", null, List.of()));
  }

  @AfterEach
  void tearDown() {
    ownership.close();
  }

  @Test
  void aStartIsSpooledWithTheSessionsOriginAndSettingsThenCaptured() throws Exception {
    assertThat(answer(ownership.start(start(a, null)))).isEmpty();
    assertThat(ownership.state()).isEqualTo(OwnershipState.OWNED);
    assertThat(ownership.idle()).isFalse();
    assertThat(capture.calls).containsExactly("start " + a + " 10 fps");
    Manifest m = spool.manifest(a).orElseThrow();
    assertThat(m.originClusterId()).isEqualTo("cluster-a");
    assertThat(m.uploadToken()).isEqualTo("token-" + a);
    assertThat(ownership.helloRecordings().get(5, TimeUnit.SECONDS).active())
        .isEqualTo(new ActiveRecording(a, "call-" + a, 1_000, 0, "cluster-a"));
  }

  @Test
  void anOwnedRecordingRefusesAnotherStartAndTakesARepeatedOnesTarget() throws Exception {
    answer(ownership.start(start(a, null)));
    assertThat(answer(ownership.start(start(b, null)))).hasValue("already recording " + a);
    Start again = new Start(9, a, "call-" + a, "http://mus.b/mus/v1", "again", null);
    assertThat(answer(ownership.start(again))).isEmpty();
    assertThat(spool.manifest(a).orElseThrow().uploadToken()).isEqualTo("again");
    assertThat(capture.calls).containsExactly("start " + a + " 10 fps");
    assertThat(spool.manifest(b)).isEmpty();
  }

  @Test
  void aStopEndsTheCaptureNotesItsEndAndAnswersWithWhatToReport() throws Exception {
    answer(ownership.start(start(a, null)));
    CompletableFuture<Optional<RecordingStopped>> stopped = ownership.stop(a);
    await().atMost(WAIT).until(() -> ownership.state() == OwnershipState.STOPPING);
    assertThat(answer(ownership.stop(b))).as("STOP of a recording not in hand").isEmpty();
    assertThat(ownership.idle()).isFalse();
    capture.finish(a, 3, 4_000);
    assertThat(stopped.get(5, TimeUnit.SECONDS))
        .get()
        .satisfies(
            r -> {
              assertThat(r.segmentCount()).isEqualTo(3);
              assertThat(r.reason()).isEqualTo("stopped by server");
            });
    assertThat(ownership.state()).isEqualTo(OwnershipState.IDLE);
    assertThat(ownership.idle()).isTrue();
    assertThat(spool.manifest(a).orElseThrow().endedAt()).isEqualTo(4_000L);
    assertThat(reported).as("the STOP's answer reports it, not the reporter").isEmpty();
  }

  @Test
  void aRefusedStartLeavesNoSpoolAndAnEndedRecordingCannotStartAgain() throws Exception {
    capture.refuseNextStart("no screen to capture");
    assertThat(answer(ownership.start(start(a, null)))).hasValue("no screen to capture");
    assertThat(spool.manifest(a)).isEmpty();
    assertThat(ownership.idle()).isTrue();

    answer(ownership.start(start(b, null)));
    CompletableFuture<Optional<RecordingStopped>> stopped = ownership.stop(b);
    await().until(() -> capture.stopping(b));
    capture.finish(b, 1, 2_000);
    stopped.get(5, TimeUnit.SECONDS);
    assertThat(answer(ownership.start(start(b, null)))).get().asString().contains("already ended");
  }

  @Test
  void aLostSessionLeavesAnOrphanThatHelloReportsAndANewServerMayAdopt() throws Exception {
    answer(ownership.start(start(a, null)));
    ownership.sessionLost();
    await().atMost(WAIT).until(() -> ownership.state() == OwnershipState.ORPHANED);
    assertThat(ownership.helloRecordings().get(5, TimeUnit.SECONDS).active().recordingId())
        .isEqualTo(a);

    ownership.sessionStarted(welcome("cluster-b", null, List.of()));
    handled();
    assertThat(ownership.state()).as("not adopted").isEqualTo(OwnershipState.ORPHANED);
    ownership.sessionLost();
    ownership.sessionStarted(welcome("cluster-b", a, List.of()));
    await().atMost(WAIT).until(() -> ownership.state() == OwnershipState.OWNED);
    Manifest m = spool.manifest(a).orElseThrow();
    assertThat(m.uploadUrl()).isEqualTo("http://mus.cluster-b/mus/v1");
    assertThat(m.uploadToken()).isEqualTo("adopted");
    assertThat(m.originClusterId())
        .as("the origin stays the cluster that started it")
        .isEqualTo("cluster-a");
  }

  @Test
  void aStartForAnotherRecordingEndsTheOrphanFirstWithoutReportingIt() throws Exception {
    answer(ownership.start(start(a, null)));
    ownership.sessionLost();
    ownership.sessionStarted(welcome("cluster-b", null, List.of()));
    CompletableFuture<Optional<String>> next = ownership.start(start(b, null));
    await().atMost(WAIT).until(() -> capture.stopping(a));
    assertThat(capture.calls).contains("stop " + a + " superseded by recording " + b);
    assertThat(next).as("the new START waits for the orphan's end").isNotDone();
    assertThat(ownership.idle()).isFalse();
    capture.finish(a, 2, 3_000);
    assertThat(next.get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(ownership.state()).isEqualTo(OwnershipState.OWNED);
    assertThat(spool.manifest(b).orElseThrow().originClusterId()).isEqualTo("cluster-b");
    assertThat(reported).isEmpty();
  }

  @Test
  void anOrphanNoServerAdoptsEndsAtItsBound() throws Exception {
    ownership.close();
    ownership = RecordingOwnership.forDesktop("alice", capture, spool, Duration.ofMillis(200));
    ownership.sessionStarted(welcome("cluster-a", null, List.of()));
    answer(ownership.start(start(a, null)));
    ownership.sessionLost();
    await().atMost(WAIT).until(() -> capture.stopping(a));
    assertThat(capture.calls).last().asString().startsWith("stop " + a + " no server adopted it");
    assertThat(ownership.state()).isEqualTo(OwnershipState.STOPPING);
    capture.finish(a, 1, 2_000);
    await().atMost(WAIT).until(ownership::idle);
    assertThat(reported).isEmpty();
  }

  @Test
  void anEndTheBackendComesToByItselfIsReportedOnlyWhenOwned() throws Exception {
    answer(ownership.start(start(a, null)));
    capture.endByItself(a, 2, 3_000);
    await().atMost(WAIT).until(() -> !reported.isEmpty());
    assertThat(reported).extracting(RecordingStopped::recordingId).containsExactly(a);
    assertThat(spool.manifest(a).orElseThrow().endedAt()).isEqualTo(3_000L);
    assertThat(ownership.idle()).isTrue();

    answer(ownership.start(start(b, null)));
    ownership.sessionLost();
    capture.endByItself(b, 1, 5_000);
    await().atMost(WAIT).until(ownership::idle);
    assertThat(reported).as("an orphan's end is not reported").hasSize(1);
  }

  @Test
  void shutdownReportsAnOwnedRecordingButNotAnOrphan() throws Exception {
    answer(ownership.start(start(a, null)));
    CompletableFuture<Optional<RecordingStopped>> owned = ownership.stopForShutdown();
    await().atMost(WAIT).until(() -> capture.stopping(a));
    capture.finish(a, 1, 2_000);
    assertThat(owned.get(5, TimeUnit.SECONDS))
        .get()
        .extracting(RecordingStopped::reason)
        .isEqualTo("client shutting down");

    answer(ownership.start(start(b, null)));
    ownership.sessionLost();
    CompletableFuture<Optional<RecordingStopped>> orphan = ownership.stopForShutdown();
    await().atMost(WAIT).until(() -> capture.stopping(b));
    capture.finish(b, 1, 2_000);
    assertThat(orphan.get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(answer(ownership.stopForShutdown())).as("nothing in hand").isEmpty();
  }

  @Test
  void configureIsKeptForTheNextStartAndGivenToARunningCapture() throws Exception {
    CaptureSettings slow = new CaptureSettings(2, 2, 10_000, 5_000, List.of());
    assertThat(answer(ownership.configure(slow))).isEmpty();
    assertThat(capture.calls).as("nothing to change while idle").isEmpty();
    answer(ownership.start(start(a, null)));
    assertThat(capture.calls).containsExactly("start " + a + " 2 fps");

    CompletableFuture<Optional<String>> refused = new CompletableFuture<>();
    capture.configureAnswer = refused;
    CompletableFuture<Optional<String>> answer = ownership.configure(FAST);
    await().atMost(WAIT).until(() -> capture.calls.contains("configure 10 fps"));
    assertThat(answer).as("answered when the backend answers").isNotDone();
    refused.complete(Optional.of("no such monitor"));
    assertThat(answer.get(5, TimeUnit.SECONDS)).hasValue("no such monitor");
  }

  @Test
  void grantsMoveOnlyEndedRecordingsOfThisAgentAndHelloOffersThem() throws Exception {
    String ended = UUID.randomUUID().toString();
    String bobs = UUID.randomUUID().toString();
    spool.create(
        new Manifest(
            ended, "c", "alice", "http://old/mus/v1", "old", 1_000, 0, "cluster-a", 2_000L));
    spool.create(
        new Manifest(bobs, "c", "bob", "http://old/mus/v1", "old", 1_000, 0, "cluster-a", 2_000L));
    for (String id : List.of(ended, bobs)) {
      var out = spool.open(id, 0);
      out.stream().write(new byte[] {1});
      out.commit(true);
    }
    answer(ownership.start(start(a, null)));
    assertThat(ownership.helloRecordings().get(5, TimeUnit.SECONDS).pending())
        .as("a desktop's spool is its own: every ended recording in it is offered")
        .extracting(p -> p.recordingId())
        .containsExactlyInAnyOrder(ended, bobs);

    ownership.uploadsGranted(
        welcome(
            "cluster-b",
            null,
            List.of(
                new UploadGrant(ended, "granted"),
                new UploadGrant(bobs, "granted"),
                new UploadGrant(a, "granted"))));
    await()
        .atMost(WAIT)
        .until(() -> spool.manifest(ended).orElseThrow().uploadToken().equals("granted"));
    assertThat(spool.manifest(bobs).orElseThrow().uploadToken()).isEqualTo("old");
    assertThat(spool.manifest(a).orElseThrow().uploadToken())
        .as("still being captured")
        .isEqualTo("token-" + a);

    RecordingOwnership session =
        RecordingOwnership.forSession("alice", new ScriptedCapture(), spool, Duration.ofMinutes(1));
    try {
      assertThat(session.helloRecordings().get(5, TimeUnit.SECONDS).pending())
          .as("a service's spool is shared: only this agent's are offered")
          .extracting(p -> p.recordingId())
          .containsExactly(ended);
    } finally {
      session.close();
    }
  }

  /** Returns once every event given before has been handled: they are handled in order. */
  private void handled() throws Exception {
    answer(ownership.helloRecordings());
  }

  private static <T> T answer(CompletableFuture<T> f) throws Exception {
    return f.get(5, TimeUnit.SECONDS);
  }

  private static Start start(String id, CaptureSettings capture) {
    return new Start(1, id, "call-" + id, "http://mus.a/mus/v1", "token-" + id, capture);
  }

  private static Welcome welcome(String cluster, String adopted, List<UploadGrant> grants) {
    return new Welcome(
        "s",
        cluster,
        1_000,
        3_000,
        FAST,
        "http://mus." + cluster + "/mus/v1",
        adopted,
        adopted == null ? null : "adopted",
        1,
        grants);
  }

  /**
   * A capture backend that answers START at once (or as told) and finishes a STOP when the test
   * says.
   */
  static final class ScriptedCapture implements CaptureBackend {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final Map<String, CompletableFuture<Optional<RecordingSummary>>> stops =
        new ConcurrentHashMap<>();
    volatile String refusal;
    volatile CompletableFuture<Optional<String>> configureAnswer =
        CompletableFuture.completedFuture(Optional.empty());
    private volatile ActiveRecording active;
    private volatile BiConsumer<String, Optional<RecordingSummary>> ended = (id, s) -> {};

    void refuseNextStart(String why) {
      refusal = why;
    }

    boolean stopping(String id) {
      return stops.containsKey(id);
    }

    void finish(String id, int segments, long endedAt) {
      stops
          .get(id)
          .complete(
              Optional.of(
                  new RecordingSummary(
                      id,
                      "call-" + id,
                      segments,
                      1_000,
                      endedAt,
                      calls.stream()
                          .filter(c -> c.startsWith("stop " + id))
                          .findFirst()
                          .orElseThrow()
                          .substring(("stop " + id + " ").length()))));
    }

    void endByItself(String id, int segments, long endedAt) {
      active = null;
      ended.accept(
          id,
          Optional.of(
              new RecordingSummary(id, "call-" + id, segments, 1_000, endedAt, "capture ended")));
    }

    @Override
    public CompletableFuture<Optional<String>> start(RecordingSpec spec, CaptureSettings settings) {
      calls.add("start " + spec.recordingId() + " " + settings.framesPerSecond() + " fps");
      String why = refusal;
      refusal = null;
      if (why != null) {
        return CompletableFuture.completedFuture(Optional.of(why));
      }
      active = new ActiveRecording(spec.recordingId(), spec.callId(), 1_000, 0);
      return CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public CompletableFuture<Optional<RecordingSummary>> stop(String recordingId, String reason) {
      calls.add("stop " + recordingId + " " + reason);
      ActiveRecording a = active;
      if (a == null || !a.recordingId().equals(recordingId)) {
        return stops.getOrDefault(recordingId, CompletableFuture.completedFuture(Optional.empty()));
      }
      active = null;
      return stops.computeIfAbsent(recordingId, k -> new CompletableFuture<>());
    }

    @Override
    public CompletableFuture<Optional<String>> configure(CaptureSettings settings) {
      calls.add("configure " + settings.framesPerSecond() + " fps");
      return configureAnswer;
    }

    @Override
    public Optional<ActiveRecording> active() {
      return Optional.ofNullable(active);
    }

    @Override
    public void onEndedByItself(BiConsumer<String, Optional<RecordingSummary>> listener) {
      ended = listener;
    }
  }
}
