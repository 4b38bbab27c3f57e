package cz.zoom.screenrec.server.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Bounds the requests of one kind that one remote address has in progress at once. Only addresses
 * with a request in progress are kept, so the map is as small as the traffic.
 */
public final class PerAddressLimit {
  private final int max;
  private final ConcurrentMap<String, Integer> inProgress = new ConcurrentHashMap<>();

  public PerAddressLimit(int max) {
    this.max = max;
  }

  /** Takes a place for the address; false when it already has {@code max} in progress. */
  public boolean tryAcquire(String address) {
    boolean[] taken = {false};
    inProgress.compute(
        address,
        (a, n) -> {
          int now = n == null ? 0 : n;
          if (now >= max) {
            return n;
          }
          taken[0] = true;
          return now + 1;
        });
    return taken[0];
  }

  public void release(String address) {
    inProgress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  int addresses() {
    return inProgress.size();
  }
}
