package cz.zoom.screenrec.server.core;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one owner has started, closed in reverse order, so nothing is closed while something started
 * after it may still use it. A close that fails is logged and the rest still close.
 */
public final class Resources implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Resources.class);

  private final Deque<AutoCloseable> owned = new ArrayDeque<>();

  /** Takes {@code resource} to be closed with this; returns it. */
  public synchronized <T extends AutoCloseable> T own(T resource) {
    owned.push(resource);
    return resource;
  }

  @Override
  public synchronized void close() {
    while (!owned.isEmpty()) {
      AutoCloseable resource = owned.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn("closing {} failed", resource, e);
      }
    }
  }
}
