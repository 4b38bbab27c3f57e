package cz.zoom.screenrec.server.replay;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.http.Access;
import cz.zoom.screenrec.server.http.ApiException;
import cz.zoom.screenrec.server.http.HttpApi;
import cz.zoom.screenrec.server.replay.audit.AuditCsv;
import cz.zoom.screenrec.server.replay.audit.AuditEvent;
import cz.zoom.screenrec.server.replay.audit.AuditLog;
import cz.zoom.screenrec.server.replay.auth.AuthService;
import cz.zoom.screenrec.server.replay.auth.Role;
import cz.zoom.screenrec.server.replay.auth.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Admin only (ReplayAuth checks the role): users and the audit log. */
public final class AdminRoutes implements HttpApi.Routes {
  private static final int AUDIT_DEFAULT_LIMIT = 1_000;
  private static final int AUDIT_MAX_LIMIT = 10_000;

  /** A user as the API shows it. */
  public record UserView(
      String username, String role, boolean disabled, long createdAt, long updatedAt) {
    static UserView of(User u) {
      return new UserView(
          u.username(), u.role().name(), u.disabled(), u.createdAt(), u.updatedAt());
    }
  }

  /** An audit row as the API shows it. */
  public record AuditView(
      long id, long at, String username, String action, String callId, String detail) {
    static AuditView of(AuditEvent e) {
      return new AuditView(e.id(), e.at(), e.username(), e.action().name(), e.callId(), e.detail());
    }
  }

  private final AuthService auth;
  private final AuditLog audit;

  public AdminRoutes(AuthService auth, AuditLog audit) {
    this.auth = auth;
    this.audit = audit;
  }

  @Override
  public void accept(RoutesConfig app) {
    app.get(
        "/replay/api/users",
        ctx -> ctx.json(auth.users().stream().map(UserView::of).toList()),
        Access.ADMIN);
    app.post("/replay/api/users", this::create, Access.ADMIN);
    app.put("/replay/api/users/{name}", this::update, Access.ADMIN);
    app.get("/replay/api/audit", this::auditJson, Access.ADMIN);
    app.get("/replay/api/audit.csv", this::auditCsv, Access.ADMIN);
  }

  private void create(Context ctx) {
    JsonNode body = Bodies.object(ctx);
    String password = Bodies.text(body, "password");
    User u =
        auth.createUser(
            ReplayAuth.session(ctx).username(),
            Bodies.text(body, "username"),
            password == null ? null : password.toCharArray(),
            role(Bodies.text(body, "role"), Role.REVIEWER));
    ctx.status(201).json(UserView.of(u));
  }

  private void update(Context ctx) {
    String name = ctx.pathParam("name");
    AuthService.validName(name);
    JsonNode body = Bodies.object(ctx);
    String password = Bodies.text(body, "password");
    User u =
        auth.updateUser(
            ReplayAuth.session(ctx),
            name,
            role(Bodies.text(body, "role"), null),
            password == null ? null : password.toCharArray(),
            Bodies.bool(body, "disabled"));
    ctx.json(UserView.of(u));
  }

  private void auditJson(Context ctx) {
    int limit = AUDIT_DEFAULT_LIMIT;
    String l = ctx.queryParam("limit");
    if (l != null && !l.isEmpty()) {
      try {
        limit = Integer.parseInt(l);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > AUDIT_MAX_LIMIT) {
        throw ApiException.badRequest("limit must be 1.." + AUDIT_MAX_LIMIT);
      }
    }
    ctx.json(
        audit.find(Bodies.time(ctx, "from"), Bodies.time(ctx, "to"), limit).stream()
            .map(AuditView::of)
            .toList());
  }

  private void auditCsv(Context ctx) throws IOException {
    Long from = Bodies.time(ctx, "from");
    Long to = Bodies.time(ctx, "to");
    ctx.contentType("text/csv; charset=utf-8");
    ctx.header("Content-Disposition", "attachment; filename=\"screenrec-audit.csv\"");
    Writer out =
        new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
    AuditCsv.writeHeader(out);
    audit.stream(from, to, e -> AuditCsv.writeRow(out, e));
    out.flush();
  }

  private static Role role(String text, Role dflt) {
    if (text == null) {
      return dflt;
    }
    try {
      return Role.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest("role must be ADMIN or REVIEWER");
    }
  }
}
