package cz.zoom.screenrec.server.control;

import io.netty.channel.Channel;
import java.util.ArrayDeque;

/**
 * How many TLS handshakes the control port runs at once. When thousands of desktops arrive together
 * (the other cluster just died), the rest wait with reading switched off: their ClientHello stays
 * in the kernel and costs nothing, the I/O threads keep answering the heartbeats of the sessions
 * already in, and no handshake is started only to be abandoned by a client that gave up waiting. A
 * connection waits at most until its hello deadline, as its client does.
 */
final class HandshakeSlots {
  private final int max;
  private int inUse;
  private final ArrayDeque<Channel> waiting = new ArrayDeque<>();

  HandshakeSlots(int max) {
    this.max = max;
  }

  /** Takes a slot for {@code ch}, or queues it with reading off until one is free. */
  synchronized boolean enter(Channel ch) {
    if (inUse < max) {
      inUse++;
      return true;
    }
    ch.config().setAutoRead(false);
    waiting.add(ch);
    return false;
  }

  /** Gives the slot to the longest-waiting open connection, or frees it. */
  void leave() {
    Channel next;
    synchronized (this) {
      do {
        next = waiting.poll();
        if (next == null) {
          inUse--;
          return;
        }
      } while (!next.isActive());
    }
    Channel admitted = next;
    admitted
        .eventLoop()
        .execute(
            () -> {
              if (admitted.isActive()) {
                admitted.config().setAutoRead(true);
              } else {
                leave();
              }
            });
  }

  synchronized int waiting() {
    return waiting.size();
  }

  synchronized int inUse() {
    return inUse;
  }
}
