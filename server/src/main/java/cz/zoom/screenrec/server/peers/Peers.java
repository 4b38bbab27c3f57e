package cz.zoom.screenrec.server.peers;

import cz.zoom.screenrec.server.config.ServerConfig.PeerCluster;
import cz.zoom.screenrec.trust.Tls;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The other clusters this server gathers media from (--peer-cluster). Their cluster ids are learnt
 * from their answers, so a media URL naming a cluster id finds its peer.
 */
public final class Peers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Peers.class);

  private final List<PeerClient> peers;
  private final ExecutorService executor;
  private final String localClusterId;

  /**
   * @param tls what a peer's HTTPS certificate must chain to: the CA the clusters of a pair share
   */
  public Peers(
      List<PeerCluster> configured, Duration timeout, String localClusterId, SSLContext tls) {
    this.localClusterId = localClusterId;
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "peer-http");
              t.setDaemon(true);
              return t;
            });
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .sslContext(tls)
            .sslParameters(Tls.clientParameters())
            .executor(executor)
            .build();
    this.peers = configured.stream().map(p -> new PeerClient(p, http, timeout)).toList();
  }

  public List<PeerClient> all() {
    return peers;
  }

  /** Remembers which cluster a peer said it is; a peer claiming our own id is ignored (logged). */
  public void learned(PeerClient peer, String clusterId) {
    if (clusterId == null || clusterId.isEmpty()) {
      return;
    }
    if (clusterId.equals(localClusterId)) {
      if (!clusterId.equals(peer.knownClusterId())) {
        log.warn(
            "peer {} has the same cluster id '{}' as this cluster; give the clusters distinct --cluster-id",
            peer,
            clusterId);
      }
    }
    peer.clusterId(clusterId);
  }

  /** The peer holding {@code clusterId}'s media; asks peers whose id is not known yet. */
  public Optional<PeerClient> find(String clusterId) {
    if (clusterId.equals(localClusterId)) {
      return Optional.empty();
    }
    for (PeerClient p : peers) {
      if (clusterId.equals(p.knownClusterId())) {
        return Optional.of(p);
      }
    }
    for (PeerClient p : peers) {
      if (p.knownClusterId() == null) {
        try {
          if (clusterId.equals(p.resolveClusterId())) {
            return Optional.of(p);
          }
        } catch (IOException e) {
          log.warn("peer {} is unreachable: {}", p, e.toString());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /** Whether some peer has not said its cluster id yet (it has not answered so far). */
  public boolean someUnresolved() {
    return peers.stream().anyMatch(p -> p.knownClusterId() == null);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
