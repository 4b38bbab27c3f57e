package cz.zoom.screenrec.client;

import java.net.InetAddress;

/**
 * How the client introduces itself in HELLO, besides its screens.
 *
 * @param agentToken the agent's token from the contact centre (-token), for servers that ask for
 *     one; null otherwise
 */
@PublicApi
public record ClientIdentity(
    String agent, String machine, String clientVersion, String agentToken) {

  public ClientIdentity(String agent, String machine, String clientVersion) {
    this(agent, machine, clientVersion, null);
  }

  public static ClientIdentity of(String agent) {
    return new ClientIdentity(agent, hostname(), version());
  }

  public static ClientIdentity of(String agent, String agentToken) {
    return new ClientIdentity(agent, hostname(), version(), agentToken);
  }

  @Override
  public String toString() {
    return "agent " + agent + " on " + machine; // never the token
  }

  static String version() {
    String v = ClientIdentity.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public static String hostname() {
    String name;
    try {
      name = InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      // a machine without a resolvable own name still records; the server only displays this
      name =
          System.getenv()
              .getOrDefault("HOSTNAME", System.getenv().getOrDefault("COMPUTERNAME", "unknown"));
    }
    return name.length() > 255 ? name.substring(0, 255) : name;
  }
}
