package cz.zoom.screenrec.server;

import static org.assertj.core.api.Assertions.assertThat;

import cz.zoom.screenrec.protocol.Welcome;
import cz.zoom.screenrec.server.config.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The control port runs a bounded number of handshakes at once; connections that say nothing, or
 * begin a handshake and stall it, must not use them up. The server waits 30 s for a handshake here,
 * so a desktop kept out by stalled ones would wait that long.
 */
class HandshakeStormTest {
  @TempDir static Path dir;
  static ServerFixture fx;

  @BeforeAll
  static void start() throws Exception {
    fx =
        new ServerFixture(
            dir,
            ServerConfig.builder()
                .heartbeatIntervalMs(1_000)
                .deadPeerTimeoutMs(30_000)
                .helloTimeoutMs(30_000));
  }

  @AfterAll
  static void stop() {
    fx.close();
  }

  @Test
  void connectionsThatSayNothingOrStallTheirHandshakeDoNotKeepADesktopOut() throws Exception {
    List<Socket> attack = new ArrayList<>();
    try {
      for (int i = 0; i < 100; i++) {
        attack.add(connectFrom("127.0.0.3")); // silent: holds no handshake slot
      }
      for (int i = 0; i < 80; i++) {
        Socket s = connectFrom("127.0.0.2");
        s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // a handshake begun, then nothing
        s.getOutputStream().flush();
        attack.add(s);
      }
      // one address holds a few of the slots at most: the desktop shakes hands at once
      CompletableFuture<String> welcomed =
          CompletableFuture.supplyAsync(
              () -> {
                try (TestAgent desktop = fx.agent()) {
                  desktop.send(TestAgent.hello("rosa"));
                  return desktop.receive(Welcome.class).clusterId();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(welcomed.get(10, TimeUnit.SECONDS)).isEqualTo("default");
    } finally {
      for (Socket s : attack) {
        s.close();
      }
    }
  }

  private static Socket connectFrom(String address) throws IOException {
    Socket s = new Socket();
    s.bind(new InetSocketAddress(address, 0));
    s.connect(new InetSocketAddress("127.0.0.1", fx.server.controlPort()), 5_000);
    return s;
  }
}
