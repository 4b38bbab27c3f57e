package cz.zoom.screenrec.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service's side of a session, with the test playing the capture process on the IPC link. */
class RemoteRecordingControlTest {
  static final String REC = "0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d";
  static final String OTHER = "1b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d";

  @TempDir Path tmp;
  private final List<IpcMessage> sent = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private Spool spool;
  private RemoteRecordingControl control;
  private volatile boolean linkBroken;

  @BeforeEach
  void setUp() throws IOException {
    spool = new Spool(tmp.resolve("spool"));
    control = new RemoteRecordingControl("agent-a", spool, m -> {
      if (linkBroken) {
        throw new IOException("broken pipe");
      }
      sent.add(m);
    }, timer, Duration.ofMinutes(10), Duration.ofSeconds(2));
  }

  @AfterEach
  void tearDown() {
    timer.shutdownNow();
  }

  private static Start start(String id) {
    return new Start(7, id, "call-1", "http://mus.example/mus/v1", "token-" + id, null);
  }

  private <T extends IpcMessage> T last(Class<T> type) {
    for (int i = sent.size() - 1; i >= 0; i--) {
      if (type.isInstance(sent.get(i))) {
        return type.cast(sent.get(i));
      }
    }
    throw new AssertionError("no " + type.getSimpleName() + " sent: " + sent);
  }

  private void segment(String id, int index, boolean last, byte[] body) throws IOException {
    control.onSegmentOpen(new IpcMessage.SegmentOpen(id, index));
    control.onSegmentData(new IpcMessage.SegmentData(id, index, body));
    IpcMessage.Committed c = control.onSegmentCommit(new IpcMessage.SegmentCommit(index + 100, id, index, last));
    assertThat(c.ok()).as(c.message()).isTrue();
    assertThat(c.seq()).isEqualTo(index + 100);
  }

  @Test
  void aRecordingRunsOnTheCaptureProcessAndItsSegmentsLandInTheSpool() throws Exception {
    CompletableFuture<Optional<String>> started = control.start(start(REC));
    IpcMessage.Start s = last(IpcMessage.Start.class);
    assertThat(s.recordingId()).isEqualTo(REC);
    assertThat(s.capture()).as("session settings when START carries none").isNotNull();
    // the first segment may arrive before the ACK
    segment(REC, 0, false, new byte[] {1, 2, 3});
    assertThat(started).isNotDone();
    control.onAck(new IpcMessage.Ack(s.seq(), true, null));
    assertThat(started.get(1, TimeUnit.SECONDS)).isEmpty();

    assertThat(control.idle()).isFalse();
    assertThat(control.activeRecording()).get().satisfies(a -> {
      assertThat(a.recordingId()).isEqualTo(REC);
      assertThat(a.nextSegmentIndex()).isEqualTo(1);
    });
    assertThat(control.start(start(OTHER)).get(1, TimeUnit.SECONDS)).get().asString().contains("already recording");
    assertThat(spool.manifest(REC)).get().satisfies(m -> assertThat(m.agent()).isEqualTo("agent-a"));

    CompletableFuture<Optional<RecordingStopped>> stopped = control.stop(REC);
    IpcMessage.Stop stop = last(IpcMessage.Stop.class);
    assertThat(control.stop(REC)).as("a second STOP gets the same answer").isSameAs(stopped);
    segment(REC, 1, true, new byte[] {4, 5});
    control.onStopped(new IpcMessage.Stopped(stop.seq(), REC, 2, 1_000, 3_000, "stopped by server"));
    RecordingStopped r = stopped.get(1, TimeUnit.SECONDS).orElseThrow();
    assertThat(r.segmentCount()).isEqualTo(2);
    assertThat(r.endedAt()).isEqualTo(3_000);
    assertThat(control.idle()).isTrue();
    assertThat(spool.segments(REC)).containsExactly(0, 1);
    assertThat(Files.readAllBytes(spool.segmentFile(REC, 1))).containsExactly(4, 5);
    assertThat(spool.manifest(REC)).get().satisfies(m -> {
      assertThat(m.finalIndex()).isEqualTo(1);
      assertThat(m.endedAt()).isEqualTo(3_000L);
    });
    assertThat(control.pendingRecordings()).extracting(p -> p.recordingId()).containsExactly(REC);
  }

  @Test
  void aCaptureProcessCannotWriteOutsideTheRecordingItWasGiven() throws Exception {
    control.start(start(REC));
    control.onAck(new IpcMessage.Ack(last(IpcMessage.Start.class).seq(), true, null));
    assertThatThrownBy(() -> control.onSegmentOpen(new IpcMessage.SegmentOpen(OTHER, 0)))
        .isInstanceOf(IpcProtocolException.class);
    assertThatThrownBy(() -> control.onSegmentOpen(new IpcMessage.SegmentOpen(REC, 5)))
        .isInstanceOf(IpcProtocolException.class).hasMessageContaining("expected 0");
    assertThatThrownBy(() -> control.onSegmentData(new IpcMessage.SegmentData(REC, 0, new byte[1])))
        .isInstanceOf(IpcProtocolException.class).hasMessageContaining("not open");
    control.onSegmentOpen(new IpcMessage.SegmentOpen(REC, 0));
    assertThatThrownBy(() -> control.onSegmentOpen(new IpcMessage.SegmentOpen(REC, 0)))
        .isInstanceOf(IpcProtocolException.class).hasMessageContaining("still open");
    control.onSegmentAbort(new IpcMessage.SegmentAbort(REC, 0));
    assertThat(spool.segments(REC)).isEmpty();
    assertThatThrownBy(() -> control.onAck(new IpcMessage.Ack(999, true, null))).isInstanceOf(IpcProtocolException.class);
  }

  @Test
  void aRefusedOrUnansweredStartLeavesNothingBehind() throws Exception {
    CompletableFuture<Optional<String>> refused = control.start(start(REC));
    control.onAck(new IpcMessage.Ack(last(IpcMessage.Start.class).seq(), false, "no screen to capture"));
    assertThat(refused.get(1, TimeUnit.SECONDS)).hasValue("no screen to capture");
    assertThat(spool.manifest(REC)).isEmpty();
    assertThat(control.idle()).isTrue();

    CompletableFuture<Optional<String>> gone = control.start(start(OTHER));
    control.connectionClosed();
    assertThat(gone.get(1, TimeUnit.SECONDS)).get().asString().contains("capture process is gone");
    assertThat(spool.manifest(OTHER)).isEmpty();

    linkBroken = true;
    assertThat(control.start(start(REC)).get(1, TimeUnit.SECONDS)).get().asString().contains("broken pipe");
  }

  @Test
  void configureGoesToARunningCaptureAndOtherwiseWaitsForTheNextStart() throws Exception {
    CaptureSettings halfScale = new CaptureSettings(2, 2, 10_000, 3_000, List.of());
    assertThat(control.configure(halfScale)).isEmpty();
    assertThat(sent).isEmpty();
    control.start(start(REC));
    IpcMessage.Start s = last(IpcMessage.Start.class);
    assertThat(s.capture()).isEqualTo(halfScale);
    control.onAck(new IpcMessage.Ack(s.seq(), true, null));

    CaptureSettings oneScreen = new CaptureSettings(5, 1, 10_000, 5_000, List.of(3));
    CompletableFuture<Optional<String>> answer = CompletableFuture.supplyAsync(() -> control.configure(oneScreen));
    await().atMost(Duration.ofSeconds(2)).until(() -> sent.get(sent.size() - 1) instanceof IpcMessage.Configure);
    IpcMessage.Configure conf = last(IpcMessage.Configure.class);
    assertThat(conf.capture()).isEqualTo(oneScreen);
    control.onAck(new IpcMessage.Ack(conf.seq(), false, "no screen to capture"));
    assertThat(answer.get(2, TimeUnit.SECONDS)).hasValue("no screen to capture");
  }

  @Test
  void aRecordingTheCaptureProcessEndsByItselfIsReportedWhenOwned() throws Exception {
    List<RecordingStopped> reported = new CopyOnWriteArrayList<>();
    control.reportTo(reported::add);
    control.start(start(REC));
    control.onAck(new IpcMessage.Ack(last(IpcMessage.Start.class).seq(), true, null));
    segment(REC, 0, true, new byte[] {9});
    control.onStopped(new IpcMessage.Stopped(0, REC, 1, 1, 2, "session logged off"));
    assertThat(reported).extracting(RecordingStopped::reason).containsExactly("session logged off");
    assertThat(control.idle()).isTrue();
  }
}
