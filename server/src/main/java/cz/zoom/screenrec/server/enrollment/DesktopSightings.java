package cz.zoom.screenrec.server.enrollment;

import cz.zoom.screenrec.server.storage.StorageException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which desktop claimed which agent, and when it was last seen, written behind the HELLOs: every
 * second, one row per desktop and agent whatever the number of HELLOs. A cluster taking over a site
 * takes thousands of HELLOs in seconds; three statements each would keep its database busier than
 * the handshakes keep its cores. Reading the list flushes first, so the API never lags.
 */
public final class DesktopSightings implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DesktopSightings.class);

  private record Sighting(String desktopId, String agent) {}

  private final EnrollmentStore store;
  private final ConcurrentMap<Sighting, Long> pending = new ConcurrentHashMap<>();
  private final ScheduledExecutorService writer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "desktop-sightings");
            t.setDaemon(true);
            return t;
          });

  public DesktopSightings(EnrollmentStore store, Duration every) {
    this.store = store;
    writer.scheduleWithFixedDelay(
        this::flush, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  void seen(String desktopId, String agent, long at) {
    pending.merge(new Sighting(desktopId, agent), at, Math::max);
  }

  /** Writes what is pending; a sighting that fails to write is kept for the next round. */
  synchronized void flush() {
    for (Map.Entry<Sighting, Long> e : pending.entrySet()) {
      Sighting s = e.getKey();
      long at = e.getValue();
      try {
        store.seen(s.desktopId(), s.agent(), at);
        pending.remove(s, at);
      } catch (StorageException ex) {
        log.warn(
            "could not record desktop {} seen as {}: {}", s.desktopId(), s.agent(), ex.toString());
        return;
      }
    }
  }

  @Override
  public void close() {
    writer.shutdownNow();
    flush();
  }
}
