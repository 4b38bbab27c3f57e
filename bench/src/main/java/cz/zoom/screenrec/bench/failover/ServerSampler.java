package cz.zoom.screenrec.bench.failover;

import cz.zoom.screenrec.testkit.ProcessCpu;
import cz.zoom.screenrec.testkit.TestTrust;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples a server process while it works: CPU time (utime + stime from /proc/<pid>/stat) and heap
 * in use (the server's own {@code /metrics}, {@code jvm_memory_used_bytes{area="heap"}} summed over
 * its pools), every {@code interval}, on a thread of its own.
 */
final class ServerSampler implements AutoCloseable {
  /** One sample; {@code heapBytes} is -1 when /metrics did not answer. */
  record Sample(long nanos, long cpuNanos, long heapBytes) {}

  private final long pid;
  private final URI metrics;
  private final Duration interval;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(2))
          // the CAs of the servers this process started, for a server on HTTPS
          .sslContext(TestTrust.sslContext())
          .build();
  private final List<Sample> samples = new ArrayList<>();
  private final Thread thread;
  private volatile boolean running = true;

  ServerSampler(long pid, URI httpBase, Duration interval) {
    this.pid = pid;
    this.metrics = httpBase.resolve("/metrics");
    this.interval = interval;
    this.thread = new Thread(this::run, "server-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    while (running) {
      long t = System.nanoTime();
      long cpu;
      try {
        cpu = ProcessCpu.of(pid).toNanos();
      } catch (RuntimeException e) {
        return; // the process is gone
      }
      long heap = heap();
      synchronized (samples) {
        samples.add(new Sample(t, cpu, heap));
      }
      long left = interval.toNanos() - (System.nanoTime() - t);
      if (left > 0) {
        try {
          Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private long heap() {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return -1;
      }
      return heapUsed(r.body());
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** Sum of {@code jvm_memory_used_bytes} over the heap pools in a Prometheus text scrape. */
  static long heapUsed(String scrape) {
    double sum = 0;
    boolean found = false;
    for (String line : scrape.split("\n")) {
      if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
        found = true;
      }
    }
    return found ? (long) sum : -1;
  }

  List<Sample> samples() {
    synchronized (samples) {
      return List.copyOf(samples);
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
