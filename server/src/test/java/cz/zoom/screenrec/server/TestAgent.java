package cz.zoom.screenrec.server;

import cz.zoom.screenrec.protocol.ControlCodec;
import cz.zoom.screenrec.protocol.ControlMessage;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Screen;
import cz.zoom.screenrec.trust.Tls;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** A blocking control-protocol peer over a real socket, for driving the server from tests. */
final class TestAgent implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final DataOutputStream out;

  TestAgent(int port) throws IOException {
    this(connect(port));
  }

  /** Over TLS, as the desktop {@code tls} holds the credentials of. */
  TestAgent(int port, SSLContext tls) throws IOException {
    this(handshake(tls, connect(port)));
  }

  private TestAgent(Socket socket) throws IOException {
    this.socket = socket;
    socket.setSoTimeout(15_000);
    in = new DataInputStream(socket.getInputStream());
    out = new DataOutputStream(socket.getOutputStream());
  }

  private static Socket connect(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return s;
  }

  private static Socket handshake(SSLContext tls, Socket plain) throws IOException {
    SSLSocket s =
        (SSLSocket) tls.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), true);
    s.setSSLParameters(Tls.clientParameters());
    s.setUseClientMode(true);
    s.startHandshake();
    return s;
  }

  static Hello hello(String agent) {
    return new Hello(
        Limits.PROTOCOL_VERSION,
        agent,
        "test-pc",
        "test",
        List.of(new Screen(0, 0, 0, 320, 240)),
        null,
        System.currentTimeMillis());
  }

  void send(ControlMessage m) throws IOException {
    sendRaw(ControlCodec.toJson(m));
  }

  void sendRaw(byte[] payload) throws IOException {
    out.writeInt(payload.length);
    out.write(payload);
    out.flush();
  }

  void sendBytes(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  ControlMessage receive() throws IOException {
    int length = in.readInt();
    byte[] payload = in.readNBytes(length);
    return ControlCodec.fromJson(payload);
  }

  /** Skips heartbeat answers and returns the next message of the given type. */
  <T extends ControlMessage> T receive(Class<T> type) throws IOException {
    while (true) {
      ControlMessage m = receive();
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
  }

  /** True once the server has closed the connection (reads EOF). */
  boolean closedByPeer() throws IOException {
    try {
      while (true) {
        receive();
      }
    } catch (EOFException e) {
      return true;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
