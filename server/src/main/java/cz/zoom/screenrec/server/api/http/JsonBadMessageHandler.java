package cz.zoom.screenrec.server.api.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Requests Jetty refuses before any route sees them (a NUL byte in the URL, a malformed header)
 * get the same JSON error body as everything else on the port, not Jetty's HTML page.
 */
final class JsonBadMessageHandler extends ErrorHandler {
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, "application/json");
    String message = "the HTTP request is malformed" + (reason == null ? "" : ": " + reason);
    try {
      return ByteBuffer.wrap(Json.MAPPER.writeValueAsBytes(Map.of("error", "bad_request", "message", message)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return ByteBuffer.wrap("{\"error\":\"bad_request\"}".getBytes(StandardCharsets.US_ASCII));
    }
  }
}
