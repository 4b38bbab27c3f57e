package cz.zoom.screenrec.service;

import cz.zoom.screenrec.client.budget.UploadBudget;
import cz.zoom.screenrec.protocol.CaptureSettings;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The upload budget of a host with many agents: the sum of the budgets the servers gave each
 * connected session's agent, so the host's uplink carries what as many separate desktops would. One
 * agent without a budget (a server before the budget) leaves the host without one; with no session
 * connected (backlog after a restart) the server's documented default applies. The service's one
 * uploader paces every segment, backlog included, through {@link #uploads()}. Thread-safe.
 */
final class HostUploadBudget {
  private final UploadBudget uploads = new UploadBudget(CaptureSettings.DEFAULT.maxKbps());
  private final Map<Object, Integer> sessions = new HashMap<>();

  /** Ended sessions: settings still on their way from one must not put it back. */
  private final Set<Object> ended = Collections.newSetFromMap(new WeakHashMap<>());

  UploadBudget uploads() {
    return uploads;
  }

  /** The budget the server gave a session's agent (WELCOME, CONFIGURE). */
  synchronized void set(Object session, int kbps) {
    if (ended.contains(session)) {
      return;
    }
    sessions.put(session, kbps);
    update();
  }

  /** The session ended. */
  synchronized void remove(Object session) {
    ended.add(session);
    sessions.remove(session);
    update();
  }

  private void update() {
    long sum = 0;
    for (int kbps : sessions.values()) {
      if (kbps == 0) {
        uploads.kbps(0);
        return;
      }
      sum += kbps;
    }
    uploads.kbps(
        sessions.isEmpty()
            ? CaptureSettings.DEFAULT.maxKbps()
            : (int) Math.min(Integer.MAX_VALUE, sum));
  }
}
