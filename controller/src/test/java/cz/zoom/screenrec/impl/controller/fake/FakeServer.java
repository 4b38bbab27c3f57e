package cz.zoom.screenrec.impl.controller.fake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Accepts FakeClient connections and remembers each HELLO; a connection stays open until close().
 */
public final class FakeServer implements AutoCloseable {
  public record Hello(String agent, long pid, long childPid) {}

  private final ServerSocket socket;
  private final List<Hello> hellos = new CopyOnWriteArrayList<>();
  private final List<Socket> connections = new CopyOnWriteArrayList<>();

  public FakeServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "fake-server");
    t.setDaemon(true);
    t.start();
  }

  public String hostAndPort() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  public List<Hello> hellos() {
    return List.copyOf(hellos);
  }

  private void acceptLoop() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        connections.add(s);
        String line =
            new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (line != null && line.startsWith("HELLO ")) {
          String[] p = line.split(" ");
          hellos.add(new Hello(p[1], Long.parseLong(p[2]), Long.parseLong(p[3])));
        }
      } catch (IOException e) {
        // closed
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
    for (Socket s : connections) {
      s.close();
    }
  }
}
