package cz.zoom.screenrec.server.replay;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.api.http.ApiException;
import cz.zoom.screenrec.server.api.http.HttpApi;
import cz.zoom.screenrec.server.api.http.Json;
import io.javalin.http.Context;
import java.io.IOException;

/** Reading request bodies and query parameters of the replay API. */
final class Bodies {
  private Bodies() {}

  /**
   * The body as a JSON object; an empty body is an empty object. A body must be declared
   * {@code application/json}: a cross-site form or {@code text/plain} post cannot be, without the
   * CORS preflight this server never grants.
   */
  static JsonNode object(Context ctx) {
    JsonNode body;
    try {
      byte[] bytes = ctx.bodyAsBytes();
      if (bytes.length > 0 && !isJson(ctx.contentType())) {
        throw new ApiException(415, "unsupported_media_type", "send the body as Content-Type: application/json");
      }
      body = bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    return body;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().equalsIgnoreCase("application/json");
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
    return v == null || v.isEmpty() ? null : cz.zoom.screenrec.server.audio.CallIds.check(v);
  }

  static String optionalName(Context ctx, String param) {
    String v = ctx.queryParam(param);
    return v == null || v.isEmpty() ? null : HttpApi.name(param, v);
  }
}
