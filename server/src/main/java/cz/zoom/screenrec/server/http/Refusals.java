package cz.zoom.screenrec.server.http;

import cz.zoom.screenrec.server.core.Refusal;

/** The HTTP status of each kind of {@link Refusal}; the body carries its code and message. */
final class Refusals {
  private Refusals() {}

  static int status(Refusal refusal) {
    if (refusal instanceof Refusal.Invalid) {
      return 400;
    } else if (refusal instanceof Refusal.Unauthenticated) {
      return 401;
    } else if (refusal instanceof Refusal.NotFound) {
      return 404;
    } else if (refusal instanceof Refusal.Conflict) {
      return 409;
    } else if (refusal instanceof Refusal.Gone) {
      return 410;
    } else if (refusal instanceof Refusal.TooLarge) {
      return 413;
    } else if (refusal instanceof Refusal.Throttled) {
      return 429;
    } else if (refusal instanceof Refusal.AgentFailed) {
      return 502;
    }
    throw new IllegalArgumentException("no status for " + refusal.getClass());
  }
}
