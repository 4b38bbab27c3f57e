package cz.zoom.screenrec.server.health;

import cz.zoom.screenrec.server.control.AgentRegistry;
import cz.zoom.screenrec.server.control.ControlServer;

/** The control port is listening; reports how many agents are connected. */
public final class ControlPortHealthCheck implements HealthCheck {
  private final ControlServer control;
  private final AgentRegistry agents;

  public ControlPortHealthCheck(ControlServer control, AgentRegistry agents) {
    this.control = control;
    this.agents = agents;
  }

  @Override
  public String name() {
    return "control";
  }

  @Override
  public Result check() {
    String detail = "port " + control.port() + ", " + agents.size() + " agent(s) connected";
    return control.isListening() ? Result.up(detail) : Result.down("not listening on " + detail);
  }
}
