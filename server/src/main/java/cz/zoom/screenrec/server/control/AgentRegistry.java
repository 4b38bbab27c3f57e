package cz.zoom.screenrec.server.control;

import cz.zoom.screenrec.protocol.ErrorCode;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one live session per agent on this server. */
public final class AgentRegistry {
  private static final Logger log = LoggerFactory.getLogger(AgentRegistry.class);
  private final ConcurrentMap<String, AgentSession> sessions = new ConcurrentHashMap<>();

  /** Makes {@code session} the agent's session; an older one is told REPLACED and closed. */
  public void register(AgentSession session) {
    AgentSession previous = sessions.put(session.agent(), session);
    if (previous != null && previous != session) {
      log.warn("agent {}: new session {} from {} replaces session {} from {}", session.agent(),
          session.sessionId(), session.remoteAddress(), previous.sessionId(), previous.remoteAddress());
      previous.close(ErrorCode.REPLACED, "a newer connection for agent " + session.agent() + " took over");
    }
  }

  /** Forgets the session if it is still the agent's current one. */
  public boolean unregister(AgentSession session) {
    return sessions.remove(session.agent(), session);
  }

  public Optional<AgentSession> find(String agent) {
    return Optional.ofNullable(sessions.get(agent));
  }

  public Collection<AgentSession> all() {
    return List.copyOf(sessions.values());
  }

  public int size() {
    return sessions.size();
  }
}
