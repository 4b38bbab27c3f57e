package cz.zoom.screenrec.server.replay;

import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.server.api.RecordingView;
import cz.zoom.screenrec.server.encode.VideoLayouts;
import cz.zoom.screenrec.server.recording.Call;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.replay.CallMedia.Audio;
import cz.zoom.screenrec.server.replay.CallMedia.CallSummary;
import cz.zoom.screenrec.server.replay.CallMedia.ClusterCall;
import cz.zoom.screenrec.server.replay.CallMedia.Gap;
import cz.zoom.screenrec.server.replay.CallMedia.Part;
import cz.zoom.screenrec.server.replay.CallMedia.Screen;
import cz.zoom.screenrec.server.replay.CallMedia.ScreenRect;
import cz.zoom.screenrec.server.replay.CallMedia.SegmentRef;
import cz.zoom.screenrec.server.replay.audio.AudioStore;
import cz.zoom.screenrec.server.replay.audio.CallAudio;
import cz.zoom.screenrec.server.storage.Filter;
import cz.zoom.screenrec.server.storage.Jdbc;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What this cluster holds of calls: screen recordings, audio and call events. */
public final class LocalCalls {
  static final int SEARCH_LIMIT = 200;

  private final String clusterId;
  private final RecordingStore recordings;
  private final AudioStore audio;
  private final VideoLayouts layouts;
  private final Jdbc jdbc;
  private final SegmentGaps segmentGaps;

  public LocalCalls(
      String clusterId,
      RecordingStore recordings,
      AudioStore audio,
      VideoLayouts layouts,
      Jdbc jdbc,
      SegmentGaps segmentGaps) {
    this.segmentGaps = segmentGaps;
    this.clusterId = clusterId;
    this.recordings = recordings;
    this.audio = audio;
    this.layouts = layouts;
    this.jdbc = jdbc;
  }

  public String clusterId() {
    return clusterId;
  }

  /** The call as this cluster knows it; empty lists when it knows nothing. */
  public ClusterCall call(String callId) {
    Optional<Call> call = recordings.findCall(callId);
    List<Screen> screen = new ArrayList<>();
    for (Recording r : recordings.findRecordings(callId, null, 50)) {
      screen.add(screen(r));
    }
    screen.sort(
        Comparator.comparing(Screen::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
    List<Audio> sound = audio.find(callId).map(a -> List.of(audio(a))).orElse(List.of());
    String agent =
        call.map(Call::agent)
            .orElse(
                screen.isEmpty()
                    ? audio.find(callId).map(CallAudio::agent).orElse(null)
                    : screen.get(0).agent());
    return new ClusterCall(
        clusterId,
        callId,
        agent,
        call.map(Call::startedAt).orElse(null),
        call.map(Call::endedAt).orElse(null),
        screen,
        sound);
  }

  Audio audio(CallAudio a) {
    return new Audio(
        clusterId, a.callId(), a.startedAt(), a.durationMs(), a.contentType(), a.codec(), null);
  }

  private Screen screen(Recording r) {
    List<Segment> segments = recordings.segments(r.id());
    RecordingView view = RecordingView.of(r, segments);
    List<Part> parts =
        view.parts().stream()
            .map(
                p ->
                    new Part(p.clusterId(), p.fromIndex(), p.toIndex(), p.startedAt(), p.endedAt()))
            .toList();
    String contentType = null;
    if (r.videoCodec() != null) {
      try {
        contentType = VideoCodec.fromId(r.videoCodec()).contentType();
      } catch (IllegalArgumentException e) {
        contentType = null;
      }
    }
    Long end =
        r.endedAt() != null
            ? r.endedAt()
            : r.startedAt() != null && r.videoDurationMs() != null
                ? r.startedAt() + r.videoDurationMs()
                : null;
    return new Screen(
        r.id(),
        clusterId,
        r.agent(),
        r.status().name(),
        r.startedAt(),
        end,
        r.videoDurationMs(),
        contentType,
        parts,
        gaps(r, segments, view.missingSegments()),
        screens(r),
        r.clockOffsetMs(),
        segments.stream()
            .map(
                s ->
                    new SegmentRef(
                        s.index(),
                        s.startedAt() == null ? null : s.startedAt() + r.clockOffsetMs(),
                        s.bytes(),
                        null))
            .toList(),
        null,
        null,
        null);
  }

  private List<Gap> gaps(Recording r, List<Segment> segments, List<Integer> missing) {
    List<Gap> gaps = new ArrayList<>(missingGaps(r, segments, missing));
    gaps.addAll(segmentGaps.gaps(r, segments));
    gaps.sort(Comparator.comparingLong(Gap::from));
    return gaps;
  }

  /**
   * Missing segments as time spans. A segment ends where the next begins; the end of the one before
   * a hole is estimated from the typical segment length.
   */
  private static List<Gap> missingGaps(Recording r, List<Segment> segments, List<Integer> missing) {
    List<Gap> gaps = new ArrayList<>();
    if (missing == null || missing.isEmpty() || r.startedAt() == null) {
      return gaps;
    }
    Map<Integer, Long> starts = new HashMap<>();
    for (Segment s : segments) {
      if (s.startedAt() != null) {
        starts.put(s.index(), s.startedAt() + r.clockOffsetMs());
      }
    }
    long typical = typicalLength(segments);
    int i = 0;
    while (i < missing.size()) {
      int from = missing.get(i);
      int to = from;
      while (i + 1 < missing.size() && missing.get(i + 1) == to + 1) {
        to = missing.get(++i);
      }
      i++;
      Long before = starts.get(from - 1);
      long gapFrom = from == 0 ? r.startedAt() : before != null ? before + typical : r.startedAt();
      Long after = starts.get(to + 1);
      long gapTo =
          after != null
              ? after
              : r.endedAt() != null ? r.endedAt() : gapFrom + typical * (to - from + 1);
      gaps.add(new Gap(Math.min(gapFrom, gapTo), gapTo, "MISSING", from, to));
    }
    return gaps;
  }

  private static long typicalLength(List<Segment> segments) {
    List<Long> lengths = new ArrayList<>();
    for (int i = 0; i + 1 < segments.size(); i++) {
      Segment a = segments.get(i);
      Segment b = segments.get(i + 1);
      if (a.startedAt() != null && b.startedAt() != null) {
        lengths.add((b.startedAt() - a.startedAt()) / (b.index() - a.index()));
      }
    }
    if (lengths.isEmpty()) {
      return 5_000;
    }
    lengths.sort(null);
    return lengths.get(lengths.size() / 2);
  }

  /**
   * The monitors as the recording's video shows them, in desktop pixels; none before it is encoded.
   */
  private List<ScreenRect> screens(Recording r) {
    return layouts
        .of(r)
        .map(
            l ->
                l.screens().stream()
                    .map(s -> new ScreenRect(s.id(), s.x(), s.y(), s.width(), s.height()))
                    .toList())
        .orElse(List.of());
  }

  /** Calls this cluster knows, by call id, agent and start time (any may be null), newest first. */
  public List<CallSummary> search(String callId, String agent, Long from, Long to) {
    Map<String, Acc> byCall = new LinkedHashMap<>();
    Filter filter =
        new Filter()
            .equal("call_id", callId)
            .equal("agent", agent)
            .atLeast("started_at", from)
            .atMost("started_at", to);
    String sql =
        "SELECT call_id, agent, started_at, ended_at FROM calls"
            + filter.sql()
            + " ORDER BY started_at DESC, call_id LIMIT "
            + SEARCH_LIMIT;
    for (Call c :
        jdbc.query(
            sql,
            rs ->
                new Call(
                    rs.getString(1),
                    rs.getString(2),
                    rs.getLong(3),
                    Jdbc.nullableLong(rs, "ended_at")),
            filter.params())) {
      byCall
          .computeIfAbsent(c.callId(), Acc::new)
          .add(c.agent(), c.startedAt(), c.endedAt(), false, false);
    }
    for (Recording r : recordings.findRecordings(callId, agent, 2 * SEARCH_LIMIT)) {
      long start = r.startedAt() != null ? r.startedAt() : r.createdAt();
      if ((from == null || start >= from) && (to == null || start <= to)) {
        byCall
            .computeIfAbsent(r.callId(), Acc::new)
            .add(r.agent(), start, r.endedAt(), true, false);
      }
    }
    for (CallAudio a : audio.search(callId, agent, from, to, SEARCH_LIMIT)) {
      byCall
          .computeIfAbsent(a.callId(), Acc::new)
          .add(a.agent(), a.startedAt(), a.endedAt(), false, true);
    }
    addLocalAudio(byCall.values());
    return byCall.values().stream()
        .map(a -> a.summary(clusterId))
        .sorted(
            Comparator.comparing(
                CallSummary::startedAt, Comparator.nullsLast(Comparator.reverseOrder())))
        .limit(SEARCH_LIMIT)
        .toList();
  }

  /**
   * Audio often arrives without an agent name (the recorder knows the call, not who took it), so a
   * search by agent misses it; calls found by other means are looked up here.
   */
  void addLocalAudio(Iterable<Acc> calls) {
    for (Acc acc : calls) {
      if (!acc.hasAudio) {
        audio
            .find(acc.callId)
            .ifPresent(
                a -> {
                  acc.add(a.agent(), a.startedAt(), a.endedAt(), false, true);
                  if (!acc.clusters.contains(clusterId)) {
                    acc.clusters.add(clusterId);
                  }
                });
      }
    }
  }

  /** Merges what several sources say of one call. */
  static final class Acc {
    final String callId;
    String agent;
    Long startedAt;
    Long endedAt;
    boolean hasScreen;
    boolean hasAudio;
    final List<String> clusters = new ArrayList<>();

    Acc(String callId) {
      this.callId = callId;
    }

    void add(String a, Long start, Long end, boolean screen, boolean sound) {
      if (agent == null) {
        agent = a;
      }
      if (start != null) {
        startedAt = startedAt == null ? start : Math.min(startedAt, start);
      }
      if (end != null) {
        endedAt = endedAt == null ? end : Math.max(endedAt, end);
      }
      hasScreen |= screen;
      hasAudio |= sound;
    }

    void add(CallSummary s) {
      add(s.agent(), s.startedAt(), s.endedAt(), s.hasScreen(), s.hasAudio());
      for (String c : s.clusters()) {
        if (!clusters.contains(c)) {
          clusters.add(c);
        }
      }
    }

    CallSummary summary(String clusterId) {
      List<String> cs = new ArrayList<>(clusters);
      if (clusterId != null && !cs.contains(clusterId)) {
        cs.add(clusterId);
      }
      return new CallSummary(callId, agent, startedAt, endedAt, hasScreen, hasAudio, cs);
    }
  }
}
