package cz.zoom.screenrec.server.storage;

/**
 * A fixed set of monitors chosen by key: the short check-rename-insert step of one recording (or
 * call) is serialised without a map that grows by one lock per key for ever. Two keys may share a
 * stripe; that only makes one wait for the other's few milliseconds.
 */
public final class StripedLocks {
  private final Object[] stripes;

  public StripedLocks(int count) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be positive, was " + count);
    }
    stripes = new Object[count];
    for (int i = 0; i < count; i++) {
      stripes[i] = new Object();
    }
  }

  public Object forKey(String key) {
    return stripes[Math.floorMod(key.hashCode(), stripes.length)];
  }
}
