package cz.zoom.screenrec.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.service.ipc.IpcConnection;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.EOFException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IpcConnectionTest {
  @TempDir Path tmp;
  private ServerSocketChannel server;
  private IpcConnection client;
  private SocketChannel accepted;

  @BeforeEach
  void connect() throws Exception {
    Path socket = tmp.resolve("s.sock");
    server =
        ServerSocketChannel.open(StandardProtocolFamily.UNIX)
            .bind(UnixDomainSocketAddress.of(socket));
    client = IpcConnection.connect(socket);
    accepted = server.accept();
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    accepted.close();
    server.close();
  }

  @Test
  void everyMessageRoundTripsAndAFullChunkFitsInOneBinaryFrame() throws Exception {
    IpcConnection service = new IpcConnection(accepted);
    byte[] chunk = new byte[IpcMessage.MAX_CHUNK];
    new Random(1).nextBytes(chunk);
    List<IpcMessage> messages =
        List.of(
            new IpcMessage.Hello(
                IpcMessage.VERSION, "alice", ":10.0", 42, List.of(new Screen(0, 0, 0, 1920, 1080))),
            new IpcMessage.Welcome("agent-a"),
            new IpcMessage.Start(
                1, "0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d", "call-1", CaptureSettings.DEFAULT),
            new IpcMessage.Ack(1, true, null),
            new IpcMessage.SegmentOpen("0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d", 0),
            new IpcMessage.SegmentCommit(2, "0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d", 0, true),
            new IpcMessage.Committed(2, false, "disk full"),
            new IpcMessage.Stop(3, "0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d", "stopped by server"),
            new IpcMessage.Configure(4, CaptureSettings.DEFAULT),
            new IpcMessage.Stopped(
                3, "0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d", 1, 10, 20, "stopped by server"),
            new IpcMessage.SegmentAbort("0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d", 1),
            new IpcMessage.Error("REPLACED", "newer session"));
    for (IpcMessage m : messages) {
      client.send(m);
      assertThat(service.read()).isEqualTo(m);
    }
    client.send(new IpcMessage.SegmentData("0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d", 3, chunk));
    IpcMessage.SegmentData data = (IpcMessage.SegmentData) service.read();
    assertThat(data.data()).isEqualTo(chunk);
    assertThat(data.index()).isEqualTo(3);
    assertThat(data.recordingId()).isEqualTo("0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d");
  }

  @Test
  void segmentBytesTravelAsTheyAreBehindATwentyOneByteHeader() throws Exception {
    client.send(
        new IpcMessage.SegmentData(
            "0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d", 258, new byte[] {7, 8, 9}));
    ByteBuffer frame = ByteBuffer.allocate(4 + 21 + 3);
    while (frame.hasRemaining()) {
      accepted.read(frame);
    }
    frame.flip();
    assertThat(frame.getInt()).isEqualTo(24);
    assertThat(frame.get()).isZero();
    assertThat(frame.getLong()).isEqualTo(0x0b0f7c1e4c4b4c1fL);
    assertThat(frame.getLong()).isEqualTo(0x9d432f1d1f1b2c3dL);
    assertThat(frame.getInt()).isEqualTo(258);
    assertThat(new byte[] {frame.get(), frame.get(), frame.get()}).containsExactly(7, 8, 9);
  }

  @Test
  void segmentDataThatDoesNotFitItsFrameOrNamesNoRecordingIsNotSent() {
    assertThatThrownBy(
            () ->
                client.send(
                    new IpcMessage.SegmentData(
                        "0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d",
                        0,
                        new byte[IpcMessage.MAX_CHUNK + 1])))
        .isInstanceOf(java.io.IOException.class);
    assertThatThrownBy(() -> client.send(new IpcMessage.SegmentData("../etc", 0, new byte[1])))
        .isInstanceOf(java.io.IOException.class);
  }

  @Test
  void aBinaryFrameShorterThanItsHeaderIsABadMessage() throws Exception {
    IpcConnection service = new IpcConnection(accepted);
    client.channel().write(ByteBuffer.allocate(4 + 5).putInt(5).put(new byte[5]).flip());
    assertThatThrownBy(service::read)
        .isInstanceOf(IpcProtocolException.class)
        .hasMessageContaining("shorter than its 21-byte header")
        .extracting(e -> ((IpcProtocolException) e).code())
        .isEqualTo("BAD_MESSAGE");
  }

  @Test
  void oversizedFramesGarbageAndUnknownTypesAreRefused() throws Exception {
    IpcConnection service = new IpcConnection(accepted);
    SocketChannel raw = client.channel();
    raw.write(ByteBuffer.allocate(4).putInt(70_000).flip());
    assertThatThrownBy(service::read)
        .isInstanceOf(IpcProtocolException.class)
        .extracting(e -> ((IpcProtocolException) e).code())
        .isEqualTo("FRAME_TOO_LARGE");
  }

  @Test
  void badJsonIsABadMessage() throws Exception {
    IpcConnection service = new IpcConnection(accepted);
    for (String body :
        List.of(
            "{nope",
            "{\"type\":\"LAUNCH_MISSILES\"}",
            "{\"type\":\"ACK\",\"seq\":null}",
            "{\"type\":\"SEGMENT_DATA\",\"recordingId\":\"0b0f7c1e-4c4b-4c1f-9d43-2f1d1f1b2c3d\",\"index\":0,\"data\":\"AQ==\"}")) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      client.channel().write(ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).flip());
      assertThatThrownBy(service::read)
          .as(body)
          .isInstanceOf(IpcProtocolException.class)
          .extracting(e -> ((IpcProtocolException) e).code())
          .isEqualTo("BAD_MESSAGE");
    }
  }

  @Test
  void aClosedPeerIsAnEof() throws Exception {
    IpcConnection service = new IpcConnection(accepted);
    client.close();
    assertThatThrownBy(service::read).isInstanceOf(EOFException.class);
  }
}
