package cz.zoom.screenrec.server.replay.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks a user name at one address for a while after {@link #MAX_FAILURES} failed logins in a row
 * from there, and an address after {@link #MAX_FAILURES_PER_ADDRESS} failures for any names. Keyed
 * by address too, so a guesser elsewhere cannot lock an administrator out; names that do not exist
 * are counted the same way, so the answers do not reveal which users exist. Kept in memory: a
 * restart or another node of the cluster starts counting afresh, which still bounds a guesser to a
 * handful of tries per lock period, per address and node.
 */
final class LoginThrottle {
  static final int MAX_FAILURES = 5;
  static final int MAX_FAILURES_PER_ADDRESS = 4 * MAX_FAILURES;

  /** Bounds the memory an attacker can make us use by trying many names. */
  private static final int MAX_TRACKED = 100_000;

  private record State(int failures, long lockedUntil) {}

  private final Map<String, State> states = new ConcurrentHashMap<>();
  private final Duration lock;
  private final Clock clock;

  LoginThrottle(Duration lock, Clock clock) {
    this.lock = lock;
    this.clock = clock;
  }

  /** Ms until the name may try again from {@code address}, or 0. */
  long lockedFor(String username, String address) {
    return Math.max(lockedFor(nameKey(username, address)), lockedFor(addressKey(address)));
  }

  /** Counts a failure; returns true when this one locked the name or the address. */
  boolean failed(String username, String address) {
    if (states.size() >= MAX_TRACKED) {
      forgetUnlocked();
    }
    boolean name = failed(nameKey(username, address), MAX_FAILURES);
    return failed(addressKey(address), MAX_FAILURES_PER_ADDRESS) || name;
  }

  void succeeded(String username, String address) {
    states.remove(nameKey(username, address));
  }

  private long lockedFor(String key) {
    State s = states.get(key);
    long now = clock.millis();
    return s == null || s.lockedUntil() <= now ? 0 : s.lockedUntil() - now;
  }

  private boolean failed(String key, int maxFailures) {
    long now = clock.millis();
    State next =
        states.compute(
            key,
            (k, s) -> {
              int failures =
                  s == null || s.lockedUntil() != 0 && s.lockedUntil() <= now
                      ? 1
                      : s.failures() + 1;
              return failures >= maxFailures
                  ? new State(failures, now + lock.toMillis())
                  : new State(failures, 0);
            });
    return next.lockedUntil() != 0;
  }

  // the separator cannot occur in an address, so no name makes one key look like another
  private static String nameKey(String username, String address) {
    return address + " " + username;
  }

  private static String addressKey(String address) {
    return address;
  }

  private void forgetUnlocked() {
    long now = clock.millis();
    for (Iterator<State> it = states.values().iterator(); it.hasNext(); ) {
      State s = it.next();
      if (s.lockedUntil() <= now) {
        it.remove();
      }
    }
  }
}
