package cz.zoom.screenrec.server.config;

import java.util.List;

/** Start-up settings that cannot work; the message lists every problem, one a line. */
public final class InvalidConfigException extends RuntimeException {
  private final List<String> problems;

  public InvalidConfigException(List<String> problems) {
    super("invalid configuration:\n  - " + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
