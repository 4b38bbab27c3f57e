package cz.zoom.screenrec.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Ephemeral TCP ports for processes started by tests. The port is free when returned; another
 * process may still take it before ours binds, so starters retry on a bind failure.
 */
public final class FreePorts {
  private FreePorts() {}

  public static int next() {
    return next("127.0.0.1");
  }

  public static int next(String bindAddress) {
    try (ServerSocket s = new ServerSocket()) {
      // not reusable: the port must really be unused, not in TIME_WAIT of an earlier test
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + bindAddress, e);
    }
  }
}
