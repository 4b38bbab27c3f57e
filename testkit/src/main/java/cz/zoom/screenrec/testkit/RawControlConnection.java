package cz.zoom.screenrec.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.trust.Tls;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A plain TCP connection to a control port that sends whatever bytes a test wants, including frames
 * no real client would send, and reads the server's frames (4-byte big-endian length + UTF-8 JSON)
 * without any of the product's protocol code, so a test checks the wire itself.
 */
public final class RawControlConnection implements AutoCloseable {
  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  private RawControlConnection(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new DataInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** In clear: to a --plaintext server, or to see what a v1 client hears from a TLS one. */
  public static RawControlConnection open(String host, int port) {
    try {
      return new RawControlConnection(connect(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect to " + host + ":" + port, e);
    }
  }

  /** Over TLS with the desktop credentials in {@code tls}. */
  public static RawControlConnection open(String host, int port, SSLContext tls) {
    try {
      Socket plain = connect(host, port);
      SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
      s.setSSLParameters(Tls.clientParameters());
      s.startHandshake();
      return new RawControlConnection(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot connect over TLS to " + host + ":" + port, e);
    }
  }

  private static Socket connect(String host, int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress(host, port), 5_000);
    s.setTcpNoDelay(true);
    return s;
  }

  public void sendRaw(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends only a length prefix, e.g. one above the frame limit. */
  public void sendLength(long length) {
    sendRaw(ByteBuffer.allocate(4).putInt((int) length).array());
  }

  public void sendFrame(byte[] payload) {
    sendRaw(ByteBuffer.allocate(4 + payload.length).putInt(payload.length).put(payload).array());
  }

  public void sendJson(String json) {
    sendFrame(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Reads the next frame within {@code timeout}. Returns null if the server closed the connection
   * (cleanly or by reset) before a whole frame arrived.
   */
  public JsonNode readFrame(Duration timeout) {
    try {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      int length = in.readInt();
      if (length <= 0 || length > 16 * 1024 * 1024) {
        throw new IllegalStateException("server sent a frame length of " + length);
      }
      byte[] payload = new byte[length];
      in.readFully(payload);
      return ScreenRecApi.JSON.readTree(payload);
    } catch (EOFException | SocketException e) {
      return null;
    } catch (SocketTimeoutException e) {
      throw new IllegalStateException(
          "no frame from the server within " + timeout.toMillis() + " ms", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until the server closes the connection; true if it did within {@code timeout}. Frames
   * that arrive meanwhile are skipped.
   */
  public boolean awaitClosed(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buf = new byte[4096];
    try {
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) left);
        if (in.read(buf) < 0) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset by the server: closed as well
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do about a failing close of a test socket
    }
  }
}
