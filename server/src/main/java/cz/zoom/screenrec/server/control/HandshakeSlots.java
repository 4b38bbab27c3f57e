package cz.zoom.screenrec.server.control;

import io.netty.channel.Channel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many TLS handshakes the control port runs at once. When thousands of desktops arrive together
 * (the other cluster just died), the rest wait with reading switched off: their ClientHello stays
 * in the kernel and costs nothing, the I/O threads keep answering the heartbeats of the sessions
 * already in, and no handshake is started only to be abandoned by a client that gave up waiting. A
 * connection waits at most until its hello deadline, as its client does.
 *
 * <p>A slot is taken when a connection's first bytes arrive, so a connection that sends nothing
 * holds none, and one address holds at most {@code perAddress} of them: whoever stalls handshakes
 * from one machine slows that machine, not every desktop (a site behind one NAT address still gets
 * more handshakes at once than a server's cores compute).
 */
final class HandshakeSlots {
  private final int max;
  private final int perAddress;
  private int inUse;
  private final Map<InetAddress, Integer> byAddress = new HashMap<>();
  private final Map<Channel, Runnable> waiting = new LinkedHashMap<>();

  HandshakeSlots(int max, int perAddress) {
    this.max = max;
    this.perAddress = perAddress;
  }

  /**
   * Takes a slot for {@code ch}, or queues it with reading off; {@code admitted} runs on its event
   * loop once it has one.
   */
  synchronized boolean enter(Channel ch, Runnable admitted) {
    if (free(ch)) {
      take(ch);
      return true;
    }
    ch.config().setAutoRead(false);
    waiting.put(ch, admitted);
    return false;
  }

  /** Gives {@code ch}'s slot to the longest-waiting open connection that may have it. */
  void leave(Channel ch) {
    Channel next = null;
    Runnable admitted = null;
    synchronized (this) {
      inUse--;
      byAddress.computeIfPresent(address(ch), (a, n) -> n == 1 ? null : n - 1);
      for (Iterator<Map.Entry<Channel, Runnable>> it = waiting.entrySet().iterator();
          it.hasNext(); ) {
        Map.Entry<Channel, Runnable> e = it.next();
        if (!e.getKey().isActive()) {
          it.remove();
        } else if (free(e.getKey())) {
          it.remove();
          next = e.getKey();
          admitted = e.getValue();
          take(next);
          break;
        }
      }
    }
    if (next != null) {
      Channel c = next;
      Runnable r = admitted;
      c.eventLoop()
          .execute(
              () -> {
                if (c.isActive()) {
                  c.config().setAutoRead(true);
                  r.run();
                } else {
                  leave(c);
                }
              });
    }
  }

  /** Forgets a queued connection that closed before its turn. */
  synchronized void forget(Channel ch) {
    waiting.remove(ch);
  }

  synchronized int waiting() {
    return waiting.size();
  }

  synchronized int inUse() {
    return inUse;
  }

  private boolean free(Channel ch) {
    return inUse < max && byAddress.getOrDefault(address(ch), 0) < perAddress;
  }

  private void take(Channel ch) {
    inUse++;
    byAddress.merge(address(ch), 1, Integer::sum);
  }

  private static InetAddress address(Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }
}
