package cz.zoom.screenrec.service;

import cz.zoom.screenrec.protocol.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which agent a session's login records as. {@code --agent-map FILE} holds lines {@code
 * login=agent} ({@code #} comments and blank lines ignored); a login the file does not name records
 * as itself, when it is a valid agent name. Without a file every login is its own agent name.
 */
public final class AgentMap {
  private final Map<String, String> agents;

  private AgentMap(Map<String, String> agents) {
    this.agents = Map.copyOf(agents);
  }

  public static AgentMap identity() {
    return new AgentMap(Map.of());
  }

  /** Reads the file; every bad line is reported at once, with its number. */
  public static AgentMap read(Path file) throws IOException {
    Map<String, String> map = new HashMap<>();
    List<String> problems = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int eq = line.lastIndexOf('=');
      String login = eq < 0 ? "" : line.substring(0, eq).strip();
      String agent = eq < 0 ? "" : line.substring(eq + 1).strip();
      if (login.isEmpty() || agent.isEmpty()) {
        problems.add(file + ":" + (i + 1) + ": expected login=agent");
      } else if (!Limits.NAME.matcher(agent).matches()) {
        problems.add(
            file
                + ":"
                + (i + 1)
                + ": agent '"
                + agent
                + "' is not a valid agent name (1-"
                + Limits.MAX_NAME_LENGTH
                + " letters, digits, . _ @ : -)");
      } else if (map.putIfAbsent(login, agent) != null) {
        problems.add(file + ":" + (i + 1) + ": login '" + login + "' is mapped twice");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join(System.lineSeparator(), problems));
    }
    return new AgentMap(map);
  }

  /**
   * The agent a login records as, or empty when it has none (not mapped and not a valid agent
   * name).
   */
  public Optional<String> agentOf(String login) {
    String mapped = agents.get(login);
    if (mapped != null) {
      return Optional.of(mapped);
    }
    return login != null && Limits.NAME.matcher(login).matches()
        ? Optional.of(login)
        : Optional.empty();
  }

  public int size() {
    return agents.size();
  }
}
