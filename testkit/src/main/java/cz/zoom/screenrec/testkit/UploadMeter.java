package cz.zoom.screenrec.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP relay in front of a server's Media Upload Server (the server is started with {@code
 * --public-url} pointing here) that counts every byte the client sends, TLS and HTTP included, by
 * the time it arrived: the wire the upload budget is about. It can refuse connections (an MUS
 * outage) and accept them again.
 */
public final class UploadMeter implements AutoCloseable {
  private final ServerSocket listener;
  private final List<long[]> arrivals = new CopyOnWriteArrayList<>();
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile int upstreamPort;
  private volatile boolean refusing;
  private volatile boolean closed;

  public UploadMeter() throws IOException {
    listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "upload-meter");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return listener.getLocalPort();
  }

  public void forwardTo(int port) {
    upstreamPort = port;
  }

  /** An MUS outage: open connections are cut and new ones closed at once. */
  public void refuse(boolean value) {
    refusing = value;
    if (value) {
      open.forEach(UploadMeter::closeQuietly);
    }
  }

  /** The highest average in kbit/s over any {@code windowMs} that starts within [from, to). */
  public double peakKbps(long from, long to, long windowMs) {
    List<long[]> a = new ArrayList<>(arrivals);
    double peak = 0;
    for (long start = from; start < to; start += 250) {
      long sum = 0;
      for (long[] x : a) {
        if (x[0] >= start && x[0] < start + windowMs) {
          sum += x[1];
        }
      }
      peak = Math.max(peak, sum * 8.0 / windowMs);
    }
    return peak;
  }

  /** Kbit in each second from {@code from} on, for a failure message. */
  public String perSecond(long from) {
    java.util.TreeMap<Long, Long> bySecond = new java.util.TreeMap<>();
    for (long[] x : arrivals) {
      bySecond.merge((x[0] - from) / 1000, x[1], Long::sum);
    }
    StringBuilder sb = new StringBuilder();
    bySecond.forEach((k, v) -> sb.append(k).append(':').append(v * 8 / 1000).append(' '));
    return sb.toString();
  }

  public long bytes() {
    return arrivals.stream().mapToLong(x -> x[1]).sum();
  }

  private void accept() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        if (refusing || upstreamPort == 0) {
          closeQuietly(client);
          continue;
        }
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort), 5000);
        open.add(client);
        open.add(server);
        relay(client, server);
        pump(server, client);
      } catch (IOException e) {
        if (closed) {
          return;
        }
      }
    }
  }

  /**
   * Client to server: counted as it is read and queued for a second thread that writes it, so a
   * server slow to read does not hold the client back and make its bytes arrive here in a burst
   * later.
   */
  private void relay(Socket from, Socket to) {
    BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    daemon(
        "upload-meter-read",
        () -> {
          byte[] buf = new byte[16 * 1024];
          try (InputStream in = from.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
              arrivals.add(new long[] {System.currentTimeMillis(), n});
              queue.add(Arrays.copyOf(buf, n));
            }
          } catch (IOException e) {
            // the client went away
          } finally {
            queue.add(new byte[0]);
          }
        });
    daemon(
        "upload-meter-write",
        () -> {
          try (OutputStream out = to.getOutputStream()) {
            for (byte[] b = queue.take(); b.length > 0; b = queue.take()) {
              out.write(b);
            }
          } catch (IOException | InterruptedException e) {
            // the server went away
          } finally {
            done(from, to);
          }
        });
  }

  /** Server to client, as it comes. */
  private void pump(Socket from, Socket to) {
    daemon(
        "upload-meter-pump",
        () -> {
          byte[] buf = new byte[16 * 1024];
          try (InputStream in = from.getInputStream();
              OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
              out.write(buf, 0, n);
            }
          } catch (IOException e) {
            // one side went away: so does the other
          } finally {
            done(from, to);
          }
        });
  }

  private void done(Socket a, Socket b) {
    closeQuietly(a);
    closeQuietly(b);
    open.remove(a);
    open.remove(b);
  }

  private static void daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    listener.close();
    open.forEach(UploadMeter::closeQuietly);
  }
}
