package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.ErrorCode;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one session per agent on this server. A live session is never replaced: the agent's name is
 * all a connection claims, so letting a newcomer take over would hand the agent's recordings to
 * whoever can reach the port. A session is live while its connection is open; the idle timer of the
 * control port closes a connection silent for the dead-peer timeout, and the operating system
 * closes the socket of a client that exits or is killed, so a restarting client gets back in as
 * soon as its old connection is seen closed.
 */
public final class AgentRegistry {
  private static final Logger log = LoggerFactory.getLogger(AgentRegistry.class);
  private final ConcurrentMap<String, AgentSession> sessions = new ConcurrentHashMap<>();

  /** Capture settings set per agent at run time; they outlive its connections until shutdown. */
  private final ConcurrentMap<String, CaptureSettings> capture = new ConcurrentHashMap<>();

  /** What the agent's client is told to capture with: its own settings, else the defaults. */
  public CaptureSettings captureFor(String agent, CaptureSettings defaults) {
    return capture.getOrDefault(agent, defaults);
  }

  /** The agent's own settings from now on, for its WELCOME on every later connection too. */
  public void capture(String agent, CaptureSettings settings) {
    capture.put(agent, settings);
  }

  /**
   * Makes {@code session} the agent's session unless a live one holds the name.
   *
   * @return the live session that keeps the name (the newcomer is refused), or empty when {@code
   *     session} is now the agent's
   */
  public Optional<AgentSession> register(AgentSession session) {
    AgentSession[] holder = new AgentSession[1];
    sessions.compute(
        session.agent(),
        (agent, current) -> {
          if (current == null || current == session) {
            return session;
          }
          if (current.isOpen()) {
            holder[0] = current;
            return current;
          }
          log.info(
              "agent {}: session {} from {} follows closed session {} from {}",
              agent,
              session.sessionId(),
              session.remoteAddress(),
              current.sessionId(),
              current.remoteAddress());
          return session;
        });
    if (holder[0] != null) {
      log.warn(
          "agent {}: refusing a second connection from {}; session {} from {} is live",
          session.agent(),
          session.remoteAddress(),
          holder[0].sessionId(),
          holder[0].remoteAddress());
    }
    return Optional.ofNullable(holder[0]);
  }

  /** Forgets the session if it is still the agent's current one. */
  public boolean unregister(AgentSession session) {
    return sessions.remove(session.agent(), session);
  }

  /** The agent's session once WELCOME went out: the one that may be sent commands. */
  public Optional<AgentSession> find(String agent) {
    return Optional.ofNullable(sessions.get(agent)).filter(AgentSession::welcomed);
  }

  /** Every session that has been welcomed. */
  public Collection<AgentSession> all() {
    return sessions.values().stream().filter(AgentSession::welcomed).toList();
  }

  /** Closes the sessions of a revoked desktop at once. */
  public void closeDesktop(String desktopId) {
    for (AgentSession s : all()) {
      if (desktopId.equals(s.desktopId())) {
        s.close(ErrorCode.DESKTOP_REVOKED, "this desktop's certificate was revoked");
      }
    }
  }

  public int size() {
    return (int) sessions.values().stream().filter(AgentSession::welcomed).count();
  }
}
