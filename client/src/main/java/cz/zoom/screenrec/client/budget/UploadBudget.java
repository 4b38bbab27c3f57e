package cz.zoom.screenrec.client.budget;

import cz.zoom.screenrec.client.PublicApi;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The agent's upload budget (kbit/s, from the server's capture settings) and the token bucket that
 * holds every upload to it. The bucket holds a tenth of a second of budget, so any 10 s carry at
 * most 10.1 s worth: within the budget's 10 % however the uploads are spread. Thread-safe.
 */
@PublicApi
public final class UploadBudget {
  /**
   * Share of the budget the segment bytes get: TLS records, HTTP headers and TCP acknowledgements
   * add about 2-3 % on the wire, which the budget covers too.
   */
  private static final double PAYLOAD_SHARE = 0.97;

  /** Largest single take, so that a small budget still moves in steps a bucket can hold. */
  private static final int CHUNK = 16 * 1024;

  private volatile int kbps;
  private final Object lock = new Object();
  private double tokens;
  private long refilledAt = System.nanoTime();

  /**
   * @param kbps 0 for no budget
   */
  public UploadBudget(int kbps) {
    kbps(kbps);
  }

  /** 0 when there is no budget (a server before the budget). */
  public int kbps() {
    return kbps;
  }

  /** Takes a new budget from the next byte on. */
  public void kbps(int kbps) {
    if (kbps < 0) {
      throw new IllegalArgumentException("kbps must not be negative: " + kbps);
    }
    synchronized (lock) {
      refill(System.nanoTime());
      this.kbps = kbps;
      tokens = Math.min(tokens, capacity());
    }
  }

  private double bytesPerSecond() {
    return kbps * 1000.0 / 8 * PAYLOAD_SHARE;
  }

  private double capacity() {
    return Math.max(1, bytesPerSecond() / 10);
  }

  private void refill(long now) {
    tokens = Math.min(capacity(), tokens + (now - refilledAt) / 1e9 * bytesPerSecond());
    refilledAt = now;
  }

  /** Largest piece one {@link #take} should ask for now. */
  int chunk() {
    return kbps == 0 ? CHUNK : (int) Math.max(1, Math.min(CHUNK, capacity()));
  }

  /** Blocks until {@code n} bytes (at most {@link #chunk()}) may go on the wire. */
  void take(int n) throws InterruptedException {
    while (true) {
      long waitNanos;
      synchronized (lock) {
        if (kbps == 0) {
          return;
        }
        refill(System.nanoTime());
        double need = Math.min(n, capacity());
        if (tokens >= need) {
          tokens -= n;
          return;
        }
        waitNanos = (long) ((need - tokens) / bytesPerSecond() * 1e9);
      }
      TimeUnit.NANOSECONDS.sleep(Math.max(100_000, Math.min(waitNanos, 200_000_000)));
    }
  }

  /** {@code in}, read no faster than the budget allows. */
  public InputStream paced(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, Math.min(len, chunk()));
        if (n > 0) {
          try {
            take(n);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("upload interrupted");
          }
        }
        return n;
      }
    };
  }
}
