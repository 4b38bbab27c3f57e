package cz.zoom.screenrec.server.recording;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * What one HELLO may make this server ask peer clusters about the pending recordings it claims.
 * Each question holds a control thread for up to the peer timeout, and a HELLO names what it likes,
 * so: a few distinct clusters, a few questions in all, none to a cluster that already failed to
 * answer this HELLO, and none once the HELLO has spent one peer timeout on questions. A real
 * client's spool holds recordings of one or two clusters; what is not asked about now is offered
 * again on its next connection.
 */
final class OriginQuestions {
  static final int MAX_ORIGINS = 4;
  static final int MAX_QUESTIONS = 16;

  private final Set<String> origins = new HashSet<>();
  private final Set<String> silent = new HashSet<>();
  private final long deadline;
  private int asked;

  OriginQuestions(Duration budget) {
    this.deadline = System.nanoTime() + budget.toNanos();
  }

  /** Whether {@code origin} may be asked one more question now; if so, it is counted. */
  boolean mayAsk(String origin) {
    if (asked >= MAX_QUESTIONS
        || silent.contains(origin)
        || System.nanoTime() - deadline >= 0
        || !origins.contains(origin) && origins.size() >= MAX_ORIGINS) {
      return false;
    }
    origins.add(origin);
    asked++;
    return true;
  }

  /** {@code origin} did not answer; it is not asked again for this HELLO. */
  void noAnswer(String origin) {
    silent.add(origin);
  }
}
