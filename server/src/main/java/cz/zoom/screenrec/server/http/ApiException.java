package cz.zoom.screenrec.server.http;

/**
 * A request that cannot be served; becomes {@code {"error": code, "message": message}} with the
 * status.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;

  public ApiException(int status, String code, String message) {
    super(message);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, "bad_request", message);
  }

  public static ApiException notFound(String what) {
    return new ApiException(404, "not_found", what);
  }
}
