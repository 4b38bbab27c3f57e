package cz.zoom.screenrec.service.ipc;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import cz.zoom.screenrec.protocol.Limits;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One end of a service ↔ capture connection over a Unix-domain socket, in the control protocol's
 * framing: 4-byte big-endian length 1..65536, then a UTF-8 JSON message or, when the body's first
 * byte is 0, a SEGMENT_DATA frame: that byte, the recording id (16 bytes, the UUID's two halves
 * big-endian), the segment index (4 bytes big-endian) and the segment bytes. Reads come from one
 * thread; writes may come from any thread and are serialized. Blocking I/O: a session has one
 * reader thread.
 */
public final class IpcConnection implements AutoCloseable {
  public static final ObjectMapper JSON =
      JsonMapper.builder()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
          .build();

  /** The first body byte of a SEGMENT_DATA frame; a JSON body starts with '{'. */
  static final byte SEGMENT_DATA = 0;

  private final SocketChannel channel;
  private final Object writeLock = new Object();
  private final ByteBuffer header = ByteBuffer.allocate(4);

  public IpcConnection(SocketChannel channel) {
    this.channel = channel;
  }

  /** Connects to the service's socket. */
  public static IpcConnection connect(Path socket) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      ch.connect(UnixDomainSocketAddress.of(socket));
      return new IpcConnection(ch);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }

  public SocketChannel channel() {
    return channel;
  }

  public void send(IpcMessage message) throws IOException {
    ByteBuffer[] frame =
        message instanceof IpcMessage.SegmentData d ? segmentData(d) : json(message);
    long left = 0;
    for (ByteBuffer b : frame) {
      left += b.remaining();
    }
    synchronized (writeLock) {
      while (left > 0) {
        left -= channel.write(frame);
      }
    }
  }

  private static ByteBuffer[] json(IpcMessage message) throws IOException {
    byte[] json = JSON.writeValueAsBytes(message);
    if (json.length == 0 || json.length > Limits.MAX_FRAME_BYTES) {
      throw new IOException(
          "IPC frame of " + json.length + " bytes is outside 1.." + Limits.MAX_FRAME_BYTES);
    }
    return new ByteBuffer[] {
      ByteBuffer.allocate(4).putInt(json.length).flip(), ByteBuffer.wrap(json)
    };
  }

  private static ByteBuffer[] segmentData(IpcMessage.SegmentData d) throws IOException {
    byte[] data = d.data() == null ? new byte[0] : d.data();
    if (data.length > IpcMessage.MAX_CHUNK) {
      throw new IOException(
          "SEGMENT_DATA of " + data.length + " bytes is over " + IpcMessage.MAX_CHUNK);
    }
    if (d.recordingId() == null || !Limits.RECORDING_ID.matcher(d.recordingId()).matches()) {
      throw new IOException(
          "SEGMENT_DATA needs a lower-case UUID as its recording id, not " + d.recordingId());
    }
    UUID id = UUID.fromString(d.recordingId());
    ByteBuffer header =
        ByteBuffer.allocate(4 + IpcMessage.SEGMENT_DATA_HEADER)
            .putInt(IpcMessage.SEGMENT_DATA_HEADER + data.length)
            .put(SEGMENT_DATA)
            .putLong(id.getMostSignificantBits())
            .putLong(id.getLeastSignificantBits())
            .putInt(d.index())
            .flip();
    return new ByteBuffer[] {header, ByteBuffer.wrap(data)};
  }

  /** The next message; EOFException when the peer closed, IpcProtocolException for a bad frame. */
  public IpcMessage read() throws IOException {
    header.clear();
    readFully(header, true);
    int length = header.flip().getInt();
    if (length < 1 || length > Limits.MAX_FRAME_BYTES) {
      throw new IpcProtocolException(
          "FRAME_TOO_LARGE", "frame length " + length + " is outside 1.." + Limits.MAX_FRAME_BYTES);
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    readFully(body, false);
    if (body.get(0) == SEGMENT_DATA) {
      return segmentData(body.flip());
    }
    try {
      return JSON.readValue(body.array(), IpcMessage.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IpcProtocolException(
          "BAD_MESSAGE", "not a valid message: " + e.getOriginalMessage());
    }
  }

  private static IpcMessage.SegmentData segmentData(ByteBuffer body) throws IpcProtocolException {
    if (body.remaining() < IpcMessage.SEGMENT_DATA_HEADER) {
      throw new IpcProtocolException(
          "BAD_MESSAGE",
          "SEGMENT_DATA frame of "
              + body.remaining()
              + " bytes is shorter than its "
              + IpcMessage.SEGMENT_DATA_HEADER
              + "-byte header");
    }
    body.get();
    UUID id = new UUID(body.getLong(), body.getLong());
    int index = body.getInt();
    byte[] data = new byte[body.remaining()];
    body.get(data);
    return new IpcMessage.SegmentData(id.toString(), index, data);
  }

  private void readFully(ByteBuffer buf, boolean atFrameStart) throws IOException {
    while (buf.hasRemaining()) {
      if (channel.read(buf) < 0) {
        throw new EOFException(
            atFrameStart && buf.position() == 0 ? "closed" : "closed inside a frame");
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing a socket that is already broken: nothing left to do
    }
  }

  /** A frame or message the other side should not have sent; answered with ERROR and a close. */
  public static final class IpcProtocolException extends IOException {
    private final String code;

    public IpcProtocolException(String code, String message) {
      super(message);
      this.code = code;
    }

    public String code() {
      return code;
    }
  }
}
