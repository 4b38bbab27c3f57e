package cz.zoom.screenrec.impl.controller;

import cz.zoom.screenrec.impl.controller.internal.ClientSupervisor;
import cz.zoom.screenrec.impl.controller.internal.ControllerSettings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Starts the ScreenRec Capture Client for an agent and keeps it running, for Java agent desktops.
 *
 * <p>Construct it when the agent logs in and call {@link #stop()} when the agent logs out; the
 * constructor returns at once and starts the client in the background (existing desktops construct
 * it and keep no other handle, so there is no separate start step). The client runs as a separate
 * process, restarted if it exits, and is ended by {@link #stop()} or when this JVM exits. Nothing
 * is printed to stdout/stderr; messages go to java.util.logging under {@value
 * ClientSupervisor#LOGGER_NAME}. Optional system properties: {@value ControllerSettings#JAVA},
 * {@value ControllerSettings#JVM_ARGS}, {@value ControllerSettings#CLIENT_ARGS}, {@value
 * ControllerSettings#BASE_DIR}, {@value ControllerSettings#ENROLL_TOKEN} (see
 * docs/desktop-integration.md).
 */
public class ScreenRecorderStarter {
  private final ClientSupervisor supervisor;

  /**
   * @param agentName the agent's login, as the call-recording system knows it
   * @param servers Screen Capture servers, {@code host} or {@code host:port} (port 7003 by
   *     default), in order of preference: the first reachable one controls the client, the others
   *     are failover
   * @throws IllegalArgumentException if the agent name is empty, no server is given, or a value
   *     starts with '-'
   */
  public ScreenRecorderStarter(String agentName, List<String> servers) {
    this(agentName, servers, null);
  }

  /**
   * As {@link #ScreenRecorderStarter(String, List)}, enrolling this desktop with {@code
   * enrollToken} if it has no credentials yet (the system property {@value
   * ControllerSettings#ENROLL_TOKEN} or the environment's {@value
   * ControllerSettings#ENROLL_TOKEN_ENV} do the same for desktops that call the two-argument
   * constructor). Once enrolled, the token is not needed again.
   */
  public ScreenRecorderStarter(String agentName, List<String> servers, String enrollToken) {
    this(agentName, servers, enrollToken, null);
  }

  /**
   * As {@link #ScreenRecorderStarter(String, List, String)}, for servers started with {@code
   * --agent-auth token}: {@code agentToken} is the agent's token the contact centre's desktop back
   * end minted ({@code POST /api/v1/agents/{agent}/tokens}) for this login.
   */
  public ScreenRecorderStarter(
      String agentName, List<String> servers, String enrollToken, String agentToken) {
    List<String> copy = servers == null ? null : new ArrayList<>(servers);
    ClientSupervisor.validate(agentName, copy);
    supervisor =
        new ClientSupervisor(
            agentName,
            copy,
            ControllerSettings.fromSystemProperties().withEnrollToken(enrollToken),
            agentToken);
    supervisor.start();
  }

  /** Same as {@link #ScreenRecorderStarter(String, List)}. */
  public ScreenRecorderStarter(String agentName, String... servers) {
    this(agentName, servers == null ? null : Arrays.asList(servers));
  }

  /**
   * Stops the Capture Client (and every process it started) and removes its files. Waits a few
   * seconds at most; safe to call more than once and from any thread. An agent who logs in again
   * needs a new starter.
   */
  public void stop() {
    supervisor.stop();
  }

  @Override
  public String toString() {
    return supervisor.toString();
  }
}
