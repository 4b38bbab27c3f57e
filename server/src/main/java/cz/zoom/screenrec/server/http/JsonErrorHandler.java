package cz.zoom.screenrec.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Requests Jetty refuses before any route sees them (a NUL byte or an ambiguous path in the URL, a
 * malformed header, a body too slow) get the same JSON error body as everything else on the port,
 * not Jetty's HTML page, whatever the request's Accept header says.
 */
final class JsonErrorHandler extends ErrorHandler {
  /** Jetty writes an error body only for GET, POST and HEAD; uploads are PUTs. */
  @Override
  public boolean errorPageForMethod(String method) {
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(code, message)), callback);
  }

  static byte[] body(int code, String reason) {
    String error = errorCode(code);
    String message =
        code == 400
            ? "the HTTP request is malformed" + (reason == null ? "" : ": " + reason)
            : reason == null ? error : reason;
    try {
      return Json.MAPPER.writeValueAsBytes(Map.of("error", error, "message", message));
    } catch (JsonProcessingException e) {
      return ("{\"error\":\"" + error + "\",\"message\":\"" + error + "\"}")
          .getBytes(StandardCharsets.US_ASCII);
    }
  }

  /** The {@code error} of an answer with this status that no route chose a code for. */
  static String errorCode(int code) {
    return switch (code) {
      case 400 -> "bad_request";
      case 404 -> "not_found";
      case 405 -> "method_not_allowed";
      case 408 -> "request_timeout";
      case 413 -> "too_large";
      case 414 -> "uri_too_long";
      case 429 -> "too_many_requests";
      case 431 -> "headers_too_large";
      case 503 -> "unavailable";
      default -> code >= 500 ? "internal" : "bad_request";
    };
  }
}
