package cz.zoom.screenrec.server.http;

import io.javalin.security.RouteRole;

/**
 * Who may call a route. Every route names exactly one; {@link HttpApi} checks it on the route the
 * request matched (never on the request's path string), and refuses requests to a route that names
 * none.
 */
public enum Access implements RouteRole {
  /** Anyone: health, metrics, downloads for desktops, the login page and the UI's static files. */
  OPEN,
  /** The contact centre's systems and peer clusters: {@code Authorization: Bearer <api token>}. */
  API_TOKEN,
  /** A Capture Client with the upload token of the recording in the path; the route checks it. */
  UPLOAD_TOKEN,
  /** A logged-in replay user of any role; without a session the answer is 401 JSON. */
  REVIEWER,
  /** A logged-in replay admin; a reviewer gets 403 JSON. */
  ADMIN,
  /**
   * A page of the replay UI for any logged-in user; without a session the browser goes to the login
   * page.
   */
  REVIEWER_PAGE,
  /** A page of the replay UI for admins; without a session the login page, a reviewer gets 403. */
  ADMIN_PAGE;

  /** Whether the route needs a replay session (the session guard decides). */
  boolean needsSession() {
    return this == REVIEWER || this == ADMIN || this == REVIEWER_PAGE || this == ADMIN_PAGE;
  }
}
