package cz.zoom.screenrec.server.replay;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reading request bodies and query parameters of the replay API. */
final class Bodies {
  private Bodies() {}

  /**
   * The body as a JSON object (at most the port's limit for bodies read whole); an empty body is an
   * empty object. A body must be declared {@code application/json}, which a cross-site form or
   * {@code text/plain} post cannot be without the CORS preflight this server never grants; that is
   * checked before any of the body is read.
   */
  static JsonNode object(Context ctx) {
    return object(ctx, -1);
  }

  /** As {@link #object(Context)}, for a body of at most {@code maxBytes} (413 beyond). */
  static JsonNode object(Context ctx, int maxBytes) {
    long declared = ctx.req().getContentLengthLong();
    boolean hasBody = declared > 0 || declared < 0 && ctx.header("Transfer-Encoding") != null;
    if (hasBody && !isJson(ctx.contentType())) {
      throw new ApiException(
          415, "unsupported_media_type", "send the body as Content-Type: application/json");
    }
    if (maxBytes >= 0 && declared > maxBytes) {
      throw new ApiException(413, "too_large", "the body may have at most " + maxBytes + " bytes");
    }
    byte[] bytes;
    try {
      bytes =
          !hasBody
              ? new byte[0]
              : maxBytes < 0 ? ctx.bodyAsBytes() : atMost(ctx.bodyInputStream(), maxBytes);
    } catch (IOException | UncheckedIOException e) {
      // the port cuts off a body slower than its minimum rate, or the client went away
      throw new ApiException(408, "request_timeout", "the body did not arrive in time");
    }
    JsonNode body;
    try {
      body = bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    return body;
  }

  private static byte[] atMost(InputStream in, int maxBytes) throws IOException {
    byte[] bytes = in.readNBytes(maxBytes + 1);
    if (bytes.length > maxBytes) {
      throw new ApiException(413, "too_large", "the body may have at most " + maxBytes + " bytes");
    }
    return bytes;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .strip()
        .equalsIgnoreCase("application/json");
  }

  /** A string field, or null when absent; anything but a string is refused. */
  static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw ApiException.badRequest("\"" + field + "\" must be a string");
    }
    return v.asText();
  }

  static Boolean bool(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isBoolean()) {
      throw ApiException.badRequest("\"" + field + "\" must be true or false");
    }
    return v.asBoolean();
  }

  /** A UTC-ms query parameter, or null. */
  static Long time(Context ctx, String param) {
    String v = ctx.queryParam(param);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(param + " must be UTC milliseconds");
    }
  }

  static String optionalCallId(Context ctx) {
    String v = ctx.queryParam("callId");
    return v == null || v.isEmpty() ? null : CallIds.check(v);
  }

  static String optionalName(Context ctx, String param) {
    String v = ctx.queryParam(param);
    return v == null || v.isEmpty() ? null : HttpApi.name(param, v);
  }
}
