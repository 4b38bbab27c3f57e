package cz.zoom.screenrec.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cz.zoom.screenrec.client.capture.RecordingSpec;
import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import cz.zoom.screenrec.client.spool.SpoolLimits;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a capture process may write into the service's spool, and what it may answer. */
class SegmentReceiverTest {
  static final String REC = SessionRecordingTest.REC;
  static final String OTHER = SessionRecordingTest.OTHER;

  @TempDir Path tmp;
  private Spool spool;
  private SegmentReceiver segments;

  @BeforeEach
  void setUp() throws Exception {
    spool = new Spool(tmp.resolve("spool"));
    spool.create(new Manifest(REC, "call-1", "agent-a", "http://mus/v1", "t", 1, null));
    segments = new SegmentReceiver("agent-a", spool);
  }

  @Test
  void aCaptureProcessCannotWriteOutsideTheRecordingItWasGiven() throws Exception {
    assertThatThrownBy(() -> segments.onOpen(new IpcMessage.SegmentOpen(REC, 0)))
        .as("nothing started yet")
        .isInstanceOf(IpcProtocolException.class);
    segments.expect(REC);
    assertThatThrownBy(() -> segments.onOpen(new IpcMessage.SegmentOpen(OTHER, 0)))
        .isInstanceOf(IpcProtocolException.class);
    assertThatThrownBy(() -> segments.onOpen(new IpcMessage.SegmentOpen(REC, 5)))
        .isInstanceOf(IpcProtocolException.class)
        .hasMessageContaining("expected 0");
    assertThatThrownBy(() -> segments.onData(new IpcMessage.SegmentData(REC, 0, new byte[1])))
        .isInstanceOf(IpcProtocolException.class)
        .hasMessageContaining("not open");
    segments.onOpen(new IpcMessage.SegmentOpen(REC, 0));
    assertThatThrownBy(() -> segments.onOpen(new IpcMessage.SegmentOpen(REC, 0)))
        .isInstanceOf(IpcProtocolException.class)
        .hasMessageContaining("still open");
    segments.onAbort(new IpcMessage.SegmentAbort(REC, 0));
    assertThat(spool.segments(REC)).isEmpty();

    segments.onOpen(new IpcMessage.SegmentOpen(REC, 0));
    segments.onData(new IpcMessage.SegmentData(REC, 0, new byte[] {1}));
    assertThat(segments.onCommit(new IpcMessage.SegmentCommit(1, REC, 0, false)).ok()).isTrue();
    assertThat(segments.nextIndex()).isEqualTo(1);
    segments.end(REC);
    assertThatThrownBy(() -> segments.onOpen(new IpcMessage.SegmentOpen(REC, 1)))
        .as("the recording ended")
        .isInstanceOf(IpcProtocolException.class);
    assertThat(spool.segments(REC)).containsExactly(0);
  }

  @Test
  void aSegmentOverTheSizeLimitIsRefusedAndDropped() throws Exception {
    SegmentReceiver small = new SegmentReceiver("agent-a", spool, 100);
    small.expect(REC);
    small.onOpen(new IpcMessage.SegmentOpen(REC, 0));
    small.onData(new IpcMessage.SegmentData(REC, 0, new byte[100]));
    assertThatThrownBy(() -> small.onData(new IpcMessage.SegmentData(REC, 0, new byte[1])))
        .isInstanceOf(IpcProtocolException.class)
        .extracting(e -> ((IpcProtocolException) e).code())
        .isEqualTo("SEGMENT_TOO_LARGE");
    assertThat(spool.segments(REC)).isEmpty();
    assertThat(spool.root().resolve(REC).resolve("0000000.seg.tmp")).doesNotExist();
  }

  @Test
  void aCaptureProcessThatDoesNotPauseWhenTheSpoolIsFullIsCutOff() throws Exception {
    Spool full = new Spool(tmp.resolve("full"), new SpoolLimits(1 << 20, 0));
    full.create(new Manifest(REC, "call-1", "agent-a", "http://mus/v1", "t", 1, null));
    java.nio.file.Files.write(full.root().resolve("other-recordings"), new byte[2 << 20]);
    assertThat(full.hasRoom()).isFalse();
    SegmentReceiver receiver = new SegmentReceiver("agent-a", full);
    receiver.expect(REC);
    receiver.onOpen(new IpcMessage.SegmentOpen(REC, 0));
    byte[] chunk = new byte[1 << 20];
    for (long sent = 0; sent < SegmentReceiver.MAX_BYTES_WHILE_FULL; sent += chunk.length) {
      // what was under way when the spool filled is still taken
      receiver.onData(new IpcMessage.SegmentData(REC, 0, chunk));
    }
    assertThatThrownBy(() -> receiver.onData(new IpcMessage.SegmentData(REC, 0, chunk)))
        .isInstanceOf(IpcProtocolException.class)
        .extracting(e -> ((IpcProtocolException) e).code())
        .isEqualTo("SPOOL_FULL");
    assertThat(full.segments(REC)).isEmpty();
  }

  @Test
  void anAnswerToNothingIsAProtocolError() throws Exception {
    IpcCapture capture = new IpcCapture("agent-a", m -> {}, segments, Duration.ofSeconds(2));
    assertThatThrownBy(() -> capture.onAck(new IpcMessage.Ack(999, true, null)))
        .isInstanceOf(IpcProtocolException.class)
        .hasMessageContaining("answers nothing");
    assertThatThrownBy(() -> capture.onStopped(new IpcMessage.Stopped(0, REC, 1, 1, 2, "x")))
        .isInstanceOf(IpcProtocolException.class)
        .hasMessageContaining("not being captured");
    capture.start(new RecordingSpec(REC, "call-1"), CaptureSettings.DEFAULT);
    assertThatThrownBy(() -> capture.onStopped(new IpcMessage.Stopped(0, OTHER, 1, 1, 2, "x")))
        .isInstanceOf(IpcProtocolException.class)
        .hasMessageContaining("not being captured");
  }
}
