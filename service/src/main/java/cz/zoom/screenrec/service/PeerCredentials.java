package cz.zoom.screenrec.service;

import java.nio.channels.SocketChannel;
import java.util.Optional;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The user at the other end of a Unix-domain socket, as the kernel reports it (SO_PEERCRED on
 * Linux).
 */
final class PeerCredentials {
  private PeerCredentials() {}

  static Optional<String> user(SocketChannel channel) {
    try {
      UnixDomainPrincipal p = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
      return Optional.ofNullable(p).map(x -> x.user().getName());
    } catch (Exception | LinkageError e) {
      // a platform without peer credentials: the socket directory's permissions are the only check
      return Optional.empty();
    }
  }
}
