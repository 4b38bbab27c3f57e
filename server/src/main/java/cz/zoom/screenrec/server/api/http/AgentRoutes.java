package cz.zoom.screenrec.server.api.http;

import cz.zoom.screenrec.server.control.AgentRegistry;
import cz.zoom.screenrec.server.control.AgentSession;
import io.javalin.Javalin;
import java.util.Comparator;

/** Which agents have a Capture Client connected to this server, and what they are doing. */
public final class AgentRoutes implements HttpApi.Routes {
  /** One connected agent. */
  public record AgentView(String agent, String state, String recordingId, long connectedAt, String machine,
      String clientVersion, String remoteAddress, String role, long clockOffsetMs, long roundTripMs) {}

  private final AgentRegistry agents;

  public AgentRoutes(AgentRegistry agents) {
    this.agents = agents;
  }

  @Override
  public void accept(Javalin app) {
    app.get("/api/v1/agents", ctx -> ctx.json(agents.all().stream()
        .sorted(Comparator.comparing(AgentSession::agent))
        .map(AgentRoutes::view)
        .toList()));
  }

  private static AgentView view(AgentSession s) {
    return new AgentView(s.agent(), s.recordingId() == null ? "IDLE" : "RECORDING", s.recordingId(),
        s.connectedAt(), s.hello().machine(), s.hello().clientVersion(), String.valueOf(s.remoteAddress()),
        s.hello().hostIndex() == null || s.hello().hostIndex() == 0 ? "primary" : "secondary",
        s.clockOffsetMs(), s.roundTripMs());
  }
}
