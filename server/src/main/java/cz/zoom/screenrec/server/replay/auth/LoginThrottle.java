package cz.zoom.screenrec.server.replay.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Locks a user name for a while after {@link #MAX_FAILURES} failed logins in a row. Names that do
 * not exist are counted the same way, so the answers do not reveal which users exist. Kept in
 * memory: a restart or another node of the cluster starts counting afresh, which still bounds a
 * guesser to a handful of tries per lock period per node.
 */
final class LoginThrottle {
  static final int MAX_FAILURES = 5;

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

  /** Ms until the name may try again, or 0. */
  long lockedFor(String username) {
    State s = states.get(username);
    long now = clock.millis();
    return s == null || s.lockedUntil() <= now ? 0 : s.lockedUntil() - now;
  }

  /** Counts a failure; returns true when this one locked the name. */
  boolean failed(String username) {
    if (states.size() >= MAX_TRACKED) {
      forgetUnlocked();
    }
    long now = clock.millis();
    State next =
        states.compute(
            username,
            (k, s) -> {
              int failures =
                  s == null || s.lockedUntil() != 0 && s.lockedUntil() <= now
                      ? 1
                      : s.failures() + 1;
              return failures >= MAX_FAILURES
                  ? new State(failures, now + lock.toMillis())
                  : new State(failures, 0);
            });
    return next.lockedUntil() != 0;
  }

  void succeeded(String username) {
    states.remove(username);
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
