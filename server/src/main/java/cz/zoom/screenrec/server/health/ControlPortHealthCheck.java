package cz.zoom.screenrec.server.health;

import cz.zoom.screenrec.server.control.AgentRegistry;
import cz.zoom.screenrec.server.control.ControlServer;
import io.netty.util.internal.PlatformDependent;
import java.time.Duration;

/**
 * The control port is listening, its threads run, and its network buffers have room; reports how
 * many agents are connected. Buffers near the direct memory limit mean new connections and reads
 * are about to fail even though the port still accepts.
 */
public final class ControlPortHealthCheck implements HealthCheck {
  private static final Duration THREADS_ANSWER = Duration.ofMillis(500);
  private static final double MAX_BUFFER_SHARE = 0.9;

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
    if (!control.isListening()) {
      return Result.down("not listening on " + detail);
    }
    if (!control.threadsAnswerWithin(THREADS_ANSWER)) {
      return Result.down(
          "control threads do not answer within " + THREADS_ANSWER.toMillis() + " ms; " + detail);
    }
    // -1 when Netty leaves direct buffers to the JDK's own accounting
    long used = PlatformDependent.usedDirectMemory();
    long max = PlatformDependent.maxDirectMemory();
    if (used >= 0 && used > max * MAX_BUFFER_SHARE) {
      return Result.down(
          "network buffers use " + mib(used) + " of " + mib(max) + " MiB; " + detail);
    }
    return Result.up(detail);
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }
}
