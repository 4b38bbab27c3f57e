package cz.zoom.screenrec.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.enrollment.AgentTokens;
import cz.zoom.screenrec.server.enrollment.Enrollment;
import cz.zoom.screenrec.server.enrollment.EnrollmentStore.Desktop;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.http.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Enrollment of desktops. Admins (API token) mint tokens, list desktops and revoke them; a desktop
 * enrolls with a token alone: {@code POST /enroll/v1/desktops} is open, the token in its body is
 * the credential, and {@code GET /enroll/v1/ca.pem} gives the CA a token's fingerprint names.
 */
public final class EnrollmentRoutes implements HttpApi.Routes {
  private static final Pattern DESKTOP_ID =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

  private final Enrollment enrollment;
  private final String caPem;

  public EnrollmentRoutes(Enrollment enrollment, String caPem) {
    this.enrollment = enrollment;
    this.caPem = caPem;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.post("/api/v1/enrollment-tokens", this::mint, Access.API_TOKEN);
    app.delete(
        "/api/v1/enrollment-tokens/{id}",
        ctx -> {
          String id = ctx.pathParam("id");
          if (!TOKEN_ID.matcher(id).matches()) {
            throw ApiException.badRequest("an enrollment token's id is its first 6 characters");
          }
          enrollment.revokeToken(id);
          ctx.status(204);
        },
        Access.API_TOKEN);
    app.get(
        "/api/v1/desktops",
        ctx -> ctx.json(enrollment.desktops().stream().map(EnrollmentRoutes::view).toList()),
        Access.API_TOKEN);
    app.get(
        "/api/v1/desktops/{id}",
        ctx ->
            ctx.json(
                view(
                    enrollment
                        .desktop(desktopId(ctx))
                        .orElseThrow(() -> ApiException.notFound("desktop")))),
        Access.API_TOKEN);
    app.delete(
        "/api/v1/desktops/{id}",
        ctx -> {
          enrollment.revoke(desktopId(ctx));
          ctx.status(204);
        },
        Access.API_TOKEN);
    app.post("/api/v1/agents/{agent}/tokens", this::agentToken, Access.API_TOKEN);
    app.post("/enroll/v1/desktops", this::enroll, Access.OPEN);
    app.get(
        "/enroll/v1/ca.pem",
        ctx -> ctx.contentType("application/x-pem-file").result(caPem),
        Access.OPEN);
  }

  private void mint(Context ctx) {
    JsonNode body = object(ctx);
    Integer uses = optionalInt(body, "uses");
    Integer hours = optionalInt(body, "validHours");
    if (hours != null && (hours < 1 || hours > 24 * 366)) {
      throw ApiException.badRequest("validHours must be 1..8784");
    }
    Enrollment.Minted m = enrollment.mint(uses, hours == null ? null : Duration.ofHours(hours));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", m.token().id());
    out.put("token", m.token().text());
    out.put("uses", m.uses());
    out.put("expiresAt", m.expiresAt());
    ctx.status(201).json(out);
  }

  private void agentToken(Context ctx) {
    String agent = HttpApi.name("agent", ctx.pathParam("agent"));
    Integer minutes = optionalInt(object(ctx), "validMinutes");
    AgentTokens.Minted m =
        enrollment.agentToken(agent, Duration.ofMinutes(minutes == null ? 12 * 60 : minutes));
    ctx.status(201)
        .json(Map.of("agent", m.agent(), "token", m.token(), "expiresAt", m.expiresAt()));
  }

  private void enroll(Context ctx) {
    JsonNode body = object(ctx);
    Enrollment.Certified c =
        enrollment.enroll(text(body, "token"), text(body, "request"), text(body, "machine"));
    ctx.status(201)
        .json(Map.of("desktopId", c.desktopId(), "certificate", c.certificate(), "ca", c.ca()));
  }

  private static Map<String, Object> view(Desktop d) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", d.id());
    out.put("machine", d.machine());
    out.put("certificateSha256", d.certificateSha256());
    out.put("enrolledWith", d.enrolledWith());
    out.put("enrolledAt", d.enrolledAt());
    out.put("expiresAt", d.expiresAt());
    out.put("lastSeenAt", d.lastSeenAt());
    out.put("revokedAt", d.revokedAt());
    out.put("agents", d.agents());
    return out;
  }

  private static final java.util.regex.Pattern TOKEN_ID =
      java.util.regex.Pattern.compile("[a-z0-9]{6}");

  private static String desktopId(Context ctx) {
    String id = ctx.pathParam("id");
    if (!DESKTOP_ID.matcher(id).matches()) {
      throw ApiException.badRequest("a desktop id is a lower-case UUID");
    }
    return id;
  }

  private static JsonNode object(Context ctx) {
    JsonNode body;
    try {
      byte[] bytes = ctx.bodyAsBytes();
      body = bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    if (body == null || !body.isObject()) {
      throw ApiException.badRequest("body must be a JSON object");
    }
    return body;
  }

  private static String text(JsonNode body, String field) {
    if (!body.path(field).isTextual()) {
      throw ApiException.badRequest("body must have a string field \"" + field + "\"");
    }
    return body.get(field).asText();
  }

  private static Integer optionalInt(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw ApiException.badRequest(field + " must be a whole number");
    }
    return v.asInt();
  }
}
