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

/**
 * One end of a service ↔ capture connection over a Unix-domain socket, in the control protocol's
 * framing (4-byte big-endian length 1..65536, UTF-8 JSON). Reads come from one thread; writes may
 * come from any thread and are serialized. Blocking I/O: a session has one reader thread.
 */
public final class IpcConnection implements AutoCloseable {
  public static final ObjectMapper JSON = JsonMapper.builder()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true)
      .build();

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
    byte[] json = JSON.writeValueAsBytes(message);
    if (json.length == 0 || json.length > Limits.MAX_FRAME_BYTES) {
      throw new IOException("IPC frame of " + json.length + " bytes is outside 1.." + Limits.MAX_FRAME_BYTES);
    }
    ByteBuffer frame = ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).flip();
    synchronized (writeLock) {
      while (frame.hasRemaining()) {
        channel.write(frame);
      }
    }
  }

  /** The next message; EOFException when the peer closed, IpcProtocolException for a bad frame. */
  public IpcMessage read() throws IOException {
    header.clear();
    readFully(header, true);
    int length = header.flip().getInt();
    if (length < 1 || length > Limits.MAX_FRAME_BYTES) {
      throw new IpcProtocolException("FRAME_TOO_LARGE", "frame length " + length + " is outside 1.."
          + Limits.MAX_FRAME_BYTES);
    }
    ByteBuffer body = ByteBuffer.allocate(length);
    readFully(body, false);
    try {
      return JSON.readValue(body.array(), IpcMessage.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IpcProtocolException("BAD_MESSAGE", "not a valid message: " + e.getOriginalMessage());
    }
  }

  private void readFully(ByteBuffer buf, boolean atFrameStart) throws IOException {
    while (buf.hasRemaining()) {
      if (channel.read(buf) < 0) {
        throw new EOFException(atFrameStart && buf.position() == 0 ? "closed" : "closed inside a frame");
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
