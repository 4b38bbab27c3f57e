package cz.zoom.screenrec.server.health;

/** One thing /healthz looks at. Must answer within about a second. */
public interface HealthCheck {
  record Result(boolean healthy, String detail) {
    public static Result up(String detail) {
      return new Result(true, detail);
    }

    public static Result down(String detail) {
      return new Result(false, detail);
    }
  }

  String name();

  Result check();
}
