package cz.zoom.screenrec.server.replay;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.server.http.Json;
import cz.zoom.screenrec.server.peers.PeerClient;
import cz.zoom.screenrec.server.peers.Peers;
import cz.zoom.screenrec.server.replay.CallMedia.Audio;
import cz.zoom.screenrec.server.replay.CallMedia.CallSummary;
import cz.zoom.screenrec.server.replay.CallMedia.ClusterCall;
import cz.zoom.screenrec.server.replay.CallMedia.Gap;
import cz.zoom.screenrec.server.replay.CallMedia.Part;
import cz.zoom.screenrec.server.replay.CallMedia.Screen;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's media gathered from this cluster and every peer, placed by absolute time. Peers are
 * asked in parallel; one that fails or times out is logged and named in {@code unavailable}, and
 * the call is shown with what the others have.
 */
public final class ReplayCalls {
  private static final Logger log = LoggerFactory.getLogger(ReplayCalls.class);

  /** The call page's data. */
  public record CallDetail(
      String callId,
      String agent,
      Long startedAt,
      Long endedAt,
      List<Screen> screen,
      List<Audio> audio,
      List<String> unavailable) {}

  private final LocalCalls local;
  private final Peers peers;

  public ReplayCalls(LocalCalls local, Peers peers) {
    this.local = local;
    this.peers = peers;
  }

  public LocalCalls local() {
    return local;
  }

  /** The call with /replay media URLs, or null when no cluster knows anything of it. */
  public CallDetail detail(String callId) {
    List<ClusterCall> clusters = new ArrayList<>();
    clusters.add(local.call(callId));
    List<String> unavailable = new ArrayList<>();
    String path = "/api/v1/calls/" + callId + "/media";
    for (Result<ClusterCall> r :
        askPeers(
            path,
            (p, body) -> {
              ClusterCall c = parseCall(body, callId);
              peers.learned(p, c.clusterId());
              return c;
            })) {
      if (r.error != null) {
        unavailable.add(r.peer.url().toString());
      } else if (r.value != null) {
        clusters.add(r.value);
      }
    }
    List<Screen> screen = new ArrayList<>();
    List<Audio> audio = new ArrayList<>();
    String agent = null;
    Long start = null;
    Long end = null;
    for (ClusterCall c : clusters) {
      if (agent == null) {
        agent = c.agent();
      }
      start = min(start, c.callStartedAt());
      end = max(end, c.callEndedAt());
      for (Screen s : c.screen()) {
        boolean ready = "READY".equals(s.status());
        String base = "/replay/media/" + s.clusterId() + "/recordings/" + s.recordingId();
        screen.add(
            s.withUrls(base, ready)
                .withThumbnails(
                    ready
                        ? "/replay/api/recordings/"
                            + s.clusterId()
                            + "/"
                            + s.recordingId()
                            + "/thumbnails"
                        : null));
        start = min(start, s.startedAt());
        end = max(end, s.endedAt());
      }
      for (Audio a : c.audio()) {
        audio.add(
            new Audio(
                a.clusterId(),
                a.callId(),
                a.startedAt(),
                a.durationMs(),
                a.contentType(),
                a.codec(),
                "/replay/media/" + a.clusterId() + "/calls/" + callId + "/audio"));
        start = min(start, a.startedAt());
        end =
            max(
                end,
                a.startedAt() == null || a.durationMs() == null
                    ? null
                    : a.startedAt() + a.durationMs());
      }
    }
    if (screen.isEmpty() && audio.isEmpty() && start == null) {
      return null;
    }
    screen = failovers(screen);
    screen.sort(
        Comparator.comparing(Screen::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
    audio.sort(
        Comparator.comparing(Audio::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
    return new CallDetail(callId, agent, start, end, screen, audio, unavailable);
  }

  /** The call search over every cluster, merged by call id, newest first. */
  public List<CallSummary> search(String callId, String agent, Long from, Long to) {
    Map<String, LocalCalls.Acc> byCall = new LinkedHashMap<>();
    for (CallSummary s : local.search(callId, agent, from, to)) {
      byCall.computeIfAbsent(s.callId(), LocalCalls.Acc::new).add(s);
    }
    StringBuilder q = new StringBuilder("/api/v1/calls?");
    param(q, "callId", callId);
    param(q, "agent", agent);
    param(q, "from", from == null ? null : from.toString());
    param(q, "to", to == null ? null : to.toString());
    for (Result<List<CallSummary>> r : askPeers(q.toString(), (p, body) -> parseSummaries(body))) {
      if (r.value != null) {
        for (CallSummary s : r.value) {
          byCall.computeIfAbsent(s.callId(), LocalCalls.Acc::new).add(s);
        }
      }
    }
    local.addLocalAudio(byCall.values());
    return byCall.values().stream()
        .map(a -> a.summary(null))
        .sorted(
            Comparator.comparing(
                CallSummary::startedAt, Comparator.nullsLast(Comparator.reverseOrder())))
        .limit(LocalCalls.SEARCH_LIMIT)
        .toList();
  }

  /**
   * Missing segments that another cluster holds for the same recording were not lost: the client
   * failed over and uploaded them there.
   */
  private static List<Screen> failovers(List<Screen> screens) {
    List<Screen> out = new ArrayList<>();
    for (Screen s : screens) {
      if (s.gaps() == null || s.gaps().isEmpty()) {
        out.add(s);
        continue;
      }
      List<Gap> gaps = new ArrayList<>();
      for (Gap g : s.gaps()) {
        boolean elsewhere =
            "MISSING".equals(g.reason())
                && g.fromIndex() != null
                && screens.stream()
                    .filter(
                        o -> o != s && o.recordingId().equals(s.recordingId()) && o.parts() != null)
                    .flatMap(o -> o.parts().stream())
                    .anyMatch(
                        (Part p) -> p.fromIndex() <= g.toIndex() && p.toIndex() >= g.fromIndex());
        gaps.add(elsewhere ? new Gap(g.from(), g.to(), "FAILOVER", g.fromIndex(), g.toIndex()) : g);
      }
      out.add(s.withGaps(gaps));
    }
    return out;
  }

  private record Result<T>(PeerClient peer, T value, Throwable error) {}

  /**
   * GETs {@code path} from every peer at once; 404 gives a null value, failures an error (logged).
   */
  private <T> List<Result<T>> askPeers(String path, BiFunction<PeerClient, JsonNode, T> parse) {
    List<CompletableFuture<Result<T>>> pending = new ArrayList<>();
    for (PeerClient p : peers.all()) {
      pending.add(
          p.getAsync(path)
              .handle(
                  (HttpResponse<byte[]> r, Throwable e) -> {
                    try {
                      if (e != null) {
                        throw e instanceof CompletionException && e.getCause() != null
                            ? e.getCause()
                            : e;
                      }
                      if (r.statusCode() == 404) {
                        return new Result<T>(p, null, null);
                      }
                      if (r.statusCode() != 200) {
                        throw new PeerClient.PeerException(
                            "answered " + r.statusCode(), r.statusCode());
                      }
                      return new Result<>(p, parse.apply(p, Json.MAPPER.readTree(r.body())), null);
                    } catch (Throwable t) {
                      log.warn(
                          "peer {}: GET {} failed; its media are left out: {}",
                          p,
                          path,
                          t.toString());
                      return new Result<T>(p, null, t);
                    }
                  }));
    }
    return pending.stream().map(CompletableFuture::join).toList();
  }

  /**
   * A peer's answer, trusted only as far as it is well-formed: ids that could make odd URLs are
   * dropped.
   */
  private ClusterCall parseCall(JsonNode body, String callId) {
    ClusterCall c;
    try {
      c = Json.MAPPER.treeToValue(body, ClusterCall.class);
    } catch (Exception e) {
      throw new IllegalArgumentException("not a call: " + e.getMessage(), e);
    }
    if (c.clusterId() == null || !Limits.NAME.matcher(c.clusterId()).matches()) {
      throw new IllegalArgumentException("no valid clusterId");
    }
    List<Screen> screen =
        c.screen() == null
            ? List.of()
            : c.screen().stream()
                .filter(
                    s ->
                        s.recordingId() != null
                            && Limits.RECORDING_ID.matcher(s.recordingId()).matches()
                            && c.clusterId().equals(s.clusterId()))
                .toList();
    List<Audio> audio =
        c.audio() == null
            ? List.of()
            : c.audio().stream()
                .filter(a -> c.clusterId().equals(a.clusterId()) && callId.equals(a.callId()))
                .toList();
    return new ClusterCall(
        c.clusterId(), callId, c.agent(), c.callStartedAt(), c.callEndedAt(), screen, audio);
  }

  private static List<CallSummary> parseSummaries(JsonNode body) {
    List<CallSummary> out = new ArrayList<>();
    if (body != null && body.isArray()) {
      for (JsonNode n : body) {
        try {
          CallSummary s = Json.MAPPER.treeToValue(n, CallSummary.class);
          if (s.callId() != null && Limits.NAME.matcher(s.callId()).matches()) {
            out.add(
                new CallSummary(
                    s.callId(),
                    s.agent(),
                    s.startedAt(),
                    s.endedAt(),
                    s.hasScreen(),
                    s.hasAudio(),
                    s.clusters() == null ? List.of() : s.clusters()));
          }
        } catch (Exception e) {
          throw new IllegalArgumentException("not a call summary: " + e.getMessage(), e);
        }
      }
    }
    return out;
  }

  private static void param(StringBuilder q, String name, String value) {
    if (value != null) {
      if (q.charAt(q.length() - 1) != '?') {
        q.append('&');
      }
      q.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
  }

  private static Long min(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Long.valueOf(Math.min(a, b));
  }

  private static Long max(Long a, Long b) {
    if (a == null) {
      return b;
    }
    return b == null ? a : Long.valueOf(Math.max(a, b));
  }
}
