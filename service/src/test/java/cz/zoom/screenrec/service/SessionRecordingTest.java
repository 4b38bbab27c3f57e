package cz.zoom.screenrec.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.client.ownership.OwnershipState;
import cz.zoom.screenrec.client.ownership.RecordingOwnership;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's side of a session: the recording ownership driving the session's capture process
 * over IPC, with the test playing the capture process on the link.
 */
class SessionRecordingTest {
  static final String REC = "0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d";
  static final String OTHER = "1b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d";
  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path tmp;
  private final List<IpcMessage> sent = new CopyOnWriteArrayList<>();
  private Spool spool;
  private SegmentReceiver segments;
  private IpcCapture capture;
  private RecordingOwnership control;
  private volatile boolean linkBroken;

  @BeforeEach
  void setUp() throws IOException {
    spool = new Spool(tmp.resolve("spool"));
    segments = new SegmentReceiver("agent-a", spool);
    capture =
        new IpcCapture(
            "agent-a",
            m -> {
              if (linkBroken) {
                throw new IOException("broken pipe");
              }
              sent.add(m);
            },
            segments,
            Duration.ofSeconds(2));
    control = RecordingOwnership.forSession("agent-a", capture, spool, Duration.ofMinutes(10));
  }

  @AfterEach
  void tearDown() {
    control.close();
  }

  private static Start start(String id) {
    return new Start(7, id, "call-1", "http://mus.example/mus/v1", "token-" + id, null);
  }

  /**
   * The latest message of this type the service sent, once it has sent one after {@code after}
   * messages.
   */
  private <T extends IpcMessage> T next(Class<T> type, int after) {
    await().atMost(WAIT).until(() -> sent.stream().skip(after).anyMatch(type::isInstance));
    return sent.stream()
        .skip(after)
        .filter(type::isInstance)
        .map(type::cast)
        .reduce((a, b) -> b)
        .orElseThrow();
  }

  private void segment(String id, int index, boolean last, byte[] body) throws IOException {
    segments.onOpen(new IpcMessage.SegmentOpen(id, index));
    segments.onData(new IpcMessage.SegmentData(id, index, body));
    IpcMessage.Committed c =
        segments.onCommit(new IpcMessage.SegmentCommit(index + 100, id, index, last));
    assertThat(c.ok()).as(c.message()).isTrue();
    assertThat(c.seq()).isEqualTo(index + 100);
  }

  @Test
  void aRecordingRunsOnTheCaptureProcessAndItsSegmentsLandInTheSpool() throws Exception {
    CompletableFuture<Optional<String>> started = control.start(start(REC));
    IpcMessage.Start s = next(IpcMessage.Start.class, 0);
    assertThat(s.recordingId()).isEqualTo(REC);
    assertThat(s.capture()).as("session settings when START carries none").isNotNull();
    assertThat(control.idle()).as("a START under way").isFalse();
    // the first segment may arrive before the ACK
    segment(REC, 0, false, new byte[] {1, 2, 3});
    assertThat(started).isNotDone();
    capture.onAck(new IpcMessage.Ack(s.seq(), true, null));
    assertThat(started.get(5, TimeUnit.SECONDS)).isEmpty();

    assertThat(control.state()).isEqualTo(OwnershipState.OWNED);
    assertThat(control.helloRecordings().get(5, TimeUnit.SECONDS).active())
        .satisfies(
            a -> {
              assertThat(a.recordingId()).isEqualTo(REC);
              assertThat(a.nextSegmentIndex()).isEqualTo(1);
            });
    assertThat(control.start(start(OTHER)).get(5, TimeUnit.SECONDS))
        .get()
        .asString()
        .contains("already recording");
    assertThat(spool.manifest(REC))
        .get()
        .satisfies(m -> assertThat(m.agent()).isEqualTo("agent-a"));

    int before = sent.size();
    CompletableFuture<Optional<RecordingStopped>> stopped = control.stop(REC);
    IpcMessage.Stop stop = next(IpcMessage.Stop.class, before);
    CompletableFuture<Optional<RecordingStopped>> again = control.stop(REC);
    segment(REC, 1, true, new byte[] {4, 5});
    capture.onStopped(
        new IpcMessage.Stopped(stop.seq(), REC, 2, 1_000, 3_000, "stopped by server"));
    RecordingStopped r = stopped.get(5, TimeUnit.SECONDS).orElseThrow();
    assertThat(again.get(5, TimeUnit.SECONDS)).as("a second STOP gets the same answer").contains(r);
    assertThat(sent).filteredOn(m -> m instanceof IpcMessage.Stop).hasSize(1);
    assertThat(r.segmentCount()).isEqualTo(2);
    assertThat(r.endedAt()).isEqualTo(3_000);
    assertThat(control.idle()).isTrue();
    assertThat(spool.segments(REC)).containsExactly(0, 1);
    assertThat(Files.readAllBytes(spool.segmentFile(REC, 1))).containsExactly(4, 5);
    assertThat(spool.manifest(REC))
        .get()
        .satisfies(
            m -> {
              assertThat(m.finalIndex()).isEqualTo(1);
              assertThat(m.endedAt()).isEqualTo(3_000L);
            });
    assertThat(control.helloRecordings().get(5, TimeUnit.SECONDS).pending())
        .extracting(p -> p.recordingId())
        .containsExactly(REC);
  }

  @Test
  void aRefusedOrUnansweredStartLeavesNothingBehind() throws Exception {
    CompletableFuture<Optional<String>> refused = control.start(start(REC));
    capture.onAck(
        new IpcMessage.Ack(next(IpcMessage.Start.class, 0).seq(), false, "no screen to capture"));
    assertThat(refused.get(5, TimeUnit.SECONDS)).hasValue("no screen to capture");
    assertThat(spool.manifest(REC)).isEmpty();
    assertThat(control.idle()).isTrue();

    int before = sent.size();
    CompletableFuture<Optional<String>> gone = control.start(start(OTHER));
    next(IpcMessage.Start.class, before);
    capture.connectionClosed();
    assertThat(gone.get(5, TimeUnit.SECONDS)).get().asString().contains("capture process is gone");
    assertThat(spool.manifest(OTHER)).isEmpty();
    await().atMost(WAIT).until(control::idle);

    linkBroken = true;
    String third = "2b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d";
    assertThat(control.start(start(third)).get(5, TimeUnit.SECONDS))
        .get()
        .asString()
        .contains("broken pipe");
    assertThat(spool.manifest(third)).isEmpty();
  }

  @Test
  void configureGoesToARunningCaptureAndOtherwiseWaitsForTheNextStart() throws Exception {
    CaptureSettings halfScale = new CaptureSettings(2, 2, 10_000, 3_000, List.of());
    assertThat(control.configure(halfScale).get(5, TimeUnit.SECONDS)).isEmpty();
    assertThat(sent).isEmpty();
    control.start(start(REC));
    IpcMessage.Start s = next(IpcMessage.Start.class, 0);
    assertThat(s.capture()).isEqualTo(halfScale);
    capture.onAck(new IpcMessage.Ack(s.seq(), true, null));
    await().atMost(WAIT).until(() -> control.state() == OwnershipState.OWNED);

    CaptureSettings oneScreen = new CaptureSettings(5, 1, 10_000, 5_000, List.of(3));
    int before = sent.size();
    CompletableFuture<Optional<String>> answer = control.configure(oneScreen);
    IpcMessage.Configure conf = next(IpcMessage.Configure.class, before);
    assertThat(conf.capture()).isEqualTo(oneScreen);
    assertThat(answer).as("the answer waits for the capture process, not the caller").isNotDone();
    capture.onAck(new IpcMessage.Ack(conf.seq(), false, "no screen to capture"));
    assertThat(answer.get(5, TimeUnit.SECONDS)).hasValue("no screen to capture");
  }

  @Test
  void aRecordingTheCaptureProcessEndsByItselfIsReportedWhenOwned() throws Exception {
    List<RecordingStopped> reported = new CopyOnWriteArrayList<>();
    control.reportTo(reported::add);
    control.start(start(REC));
    capture.onAck(new IpcMessage.Ack(next(IpcMessage.Start.class, 0).seq(), true, null));
    await().atMost(WAIT).until(() -> control.state() == OwnershipState.OWNED);
    segment(REC, 0, true, new byte[] {9});
    capture.onStopped(new IpcMessage.Stopped(0, REC, 1, 1, 2, "session logged off"));
    await().atMost(WAIT).until(() -> !reported.isEmpty());
    assertThat(reported).extracting(RecordingStopped::reason).containsExactly("session logged off");
    assertThat(control.idle()).isTrue();
    assertThat(spool.manifest(REC)).get().satisfies(m -> assertThat(m.endedAt()).isEqualTo(2L));
  }

  @Test
  void aStopThatOvertakesTheStartsAckEndsTheRecordingOnceItRuns() throws Exception {
    CompletableFuture<Optional<String>> started = control.start(start(REC));
    IpcMessage.Start s = next(IpcMessage.Start.class, 0);
    CompletableFuture<Optional<RecordingStopped>> stopped = control.stop(REC);
    IpcMessage.Stop stop = next(IpcMessage.Stop.class, 0);
    assertThat(control.state()).isEqualTo(OwnershipState.STOPPING);
    capture.onAck(new IpcMessage.Ack(s.seq(), true, null));
    assertThat(started.get(5, TimeUnit.SECONDS)).as("the START did run").isEmpty();
    segment(REC, 0, true, new byte[] {1});
    capture.onStopped(new IpcMessage.Stopped(stop.seq(), REC, 1, 1, 2, "stopped by server"));
    assertThat(stopped.get(5, TimeUnit.SECONDS))
        .get()
        .extracting(RecordingStopped::segmentCount)
        .isEqualTo(1);
    assertThat(control.idle()).isTrue();
  }

  @Test
  void anOrphanIsEndedAtItsBoundAndAnAdoptedRecordingIsNot() throws Exception {
    control.close();
    control = RecordingOwnership.forSession("agent-a", capture, spool, Duration.ofMillis(300));
    control.sessionStarted(welcome(null));
    control.start(start(REC));
    capture.onAck(new IpcMessage.Ack(next(IpcMessage.Start.class, 0).seq(), true, null));
    await().atMost(WAIT).until(() -> control.state() == OwnershipState.OWNED);

    control.sessionLost();
    control.sessionStarted(welcome(REC));
    await().atMost(WAIT).until(() -> control.state() == OwnershipState.OWNED);
    await()
        .atMost(WAIT)
        .until(() -> spool.manifest(REC).orElseThrow().uploadToken().equals("adopted"));

    control.sessionLost();
    await().atMost(WAIT).until(() -> control.state() == OwnershipState.STOPPING);
    assertThat(next(IpcMessage.Stop.class, 0).reason()).contains("no server adopted it");
  }

  private static Welcome welcome(String adopted) {
    return new Welcome(
        "session-1",
        "cluster-b",
        1_000,
        3_000,
        CaptureSettings.DEFAULT,
        "http://mus.b/mus/v1",
        adopted,
        adopted == null ? null : "adopted",
        System.currentTimeMillis());
  }
}
