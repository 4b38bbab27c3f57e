package cz.zoom.screenrec.client;

/**
 * One entry of the {@code -host} list: where a Screen Capture server listens for control
 * connections.
 */
@PublicApi
public record ServerAddress(String host, int port) {
  public static final int DEFAULT_PORT = 7003;

  public ServerAddress {
    if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("host must be a host name or address without spaces");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be 1-65535, was " + port);
    }
  }

  /**
   * Parses {@code HOST}, {@code HOST:PORT}, {@code [IPV6]} or {@code [IPV6]:PORT}; a bare IPv6
   * address has no port.
   */
  public static ServerAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("-host must not be empty");
    }
    String s = text.strip();
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        throw new IllegalArgumentException(
            "-host " + text + ": missing ']' after the IPv6 address");
      }
      String host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (rest.isEmpty()) {
        return new ServerAddress(host, DEFAULT_PORT);
      }
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("-host " + text + ": expected ':PORT' after ']'");
      }
      return new ServerAddress(host, parsePort(text, rest.substring(1)));
    }
    int colon = s.indexOf(':');
    if (colon < 0 || s.indexOf(':', colon + 1) >= 0) {
      // no colon, or several: a bare IPv6 address, which cannot carry a port without brackets
      return new ServerAddress(s, DEFAULT_PORT);
    }
    if (colon == 0) {
      throw new IllegalArgumentException("-host " + text + ": host part is empty");
    }
    return new ServerAddress(s.substring(0, colon), parsePort(text, s.substring(colon + 1)));
  }

  private static int parsePort(String text, String port) {
    try {
      int p = Integer.parseInt(port);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below with the whole argument
    }
    throw new IllegalArgumentException("-host " + text + ": port must be a number 1-65535");
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
