package cz.zoom.screenrec.client.control;

import java.time.Duration;

/**
 * Which host of the list to try next, and how long to wait first (docs/protocol.md section 14). A
 * host that failed, or whose session ended, is followed by the next one in the list (round robin),
 * at once; only when as many attempts in a row as there are hosts have failed does the client wait,
 * with the policy's exponential backoff. A session that stayed up long enough resets the count and
 * the backoff. Confined to the control event loop.
 */
final class HostRotation {
  /** Host to connect to, after waiting {@code delay}. */
  record Next(int host, Duration delay) {}

  private final int hosts;
  private final ReconnectPolicy policy;

  /**
   * Attempts in a row that failed (or got only a short session) since the last wait or stable
   * session.
   */
  private int failures;

  HostRotation(int hosts, ReconnectPolicy policy) {
    if (hosts < 1) {
      throw new IllegalArgumentException("need at least one host");
    }
    this.hosts = hosts;
    this.policy = policy;
  }

  /**
   * The host refused or timed out the connect, or ended the connection before WELCOME (closed,
   * ERROR, including AGENT_CONNECTED while the server still holds the agent's previous session, no
   * answer within the hello timeout).
   *
   * @param configurationError the server said INVALID_AGENT: retrying soon cannot help
   */
  Next connectFailed(int host, boolean configurationError) {
    Next next = failed(host);
    if (configurationError && next.delay().compareTo(policy.maxBackoff()) < 0) {
      return new Next(next.host(), policy.maxBackoff());
    }
    return next;
  }

  /**
   * A welcomed session ended: lost, timed out, or ERROR (SHUTTING_DOWN included). Its server counts
   * as failed unless the session proved stable.
   */
  Next sessionEnded(int host, Duration uptime) {
    if (uptime.compareTo(policy.stableAfter()) >= 0) {
      failures = 0;
      policy.reset();
      return new Next(following(host), Duration.ZERO);
    }
    return failed(host);
  }

  /** The client moved to a host by choice (fail-back): a fresh start there. */
  void movedTo(int host) {
    failures = 0;
  }

  private Next failed(int host) {
    failures++;
    if (failures >= hosts) {
      failures = 0;
      return new Next(following(host), policy.afterFailedRound());
    }
    return new Next(following(host), Duration.ZERO);
  }

  private int following(int host) {
    return (host + 1) % hosts;
  }
}
