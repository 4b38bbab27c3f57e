package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.Segment;
import java.util.ArrayList;
import java.util.List;

/** A recording as the REST API shows it. Times are UTC milliseconds in server time. */
public record RecordingView(
    String id,
    String agent,
    String desktopId,
    String callId,
    String clusterId,
    String status,
    String failureReason,
    Long startedAt,
    Long endedAt,
    long clockOffsetMs,
    boolean adopted,
    String originClusterId,
    Integer segmentCount,
    List<SegmentView> segments,
    List<Part> parts,
    List<Integer> missingSegments,
    VideoView video) {

  /** A stored capture segment; {@code url} fetches it once the recording is READY. */
  public record SegmentView(
      int index,
      long bytes,
      String sha256,
      String clusterId,
      long receivedAt,
      Long startedAt,
      String url) {}

  /**
   * A run of consecutive segments this cluster holds that arrived through one cluster's MUS. Times
   * are server time; {@code endedAt} is the next part's start, or the recording's end.
   */
  public record Part(String clusterId, int fromIndex, int toIndex, Long startedAt, Long endedAt) {}

  /**
   * The video of a READY recording. {@code encoded} says whether the file exists yet: it is made on
   * the first request of {@code url} (docs/encoding.md), and only then are {@code codec}, {@code
   * contentType} and {@code bytes} known.
   */
  public record VideoView(
      boolean encoded,
      String codec,
      String contentType,
      Long bytes,
      long durationMs,
      String url,
      String thumbnailUrl) {}

  /** Builds the view; {@code segments} may be null for list views, which leave them out. */
  public static RecordingView of(Recording r, List<Segment> segments) {
    List<Part> parts = segments == null ? null : parts(r, segments);
    List<Integer> missing = segments == null ? null : missing(r, segments);
    VideoView video =
        r.status() != RecordingStatus.READY || r.videoDurationMs() == null
            ? null
            : new VideoView(
                r.videoCodec() != null,
                r.videoCodec(),
                r.videoCodec() == null ? null : VideoCodec.fromId(r.videoCodec()).contentType(),
                r.videoBytes(),
                r.videoDurationMs(),
                "/api/v1/recordings/" + r.id() + "/video",
                "/api/v1/recordings/" + r.id() + "/thumbnail");
    return new RecordingView(
        r.id(),
        r.agent(),
        r.desktopId(),
        r.callId(),
        r.clusterId(),
        r.status().name(),
        r.failureReason(),
        r.startedAt(),
        r.endedAt(),
        r.clockOffsetMs(),
        r.adopted(),
        r.originClusterId(),
        r.segmentCount(),
        segments == null
            ? null
            : segments.stream()
                .map(
                    s ->
                        new SegmentView(
                            s.index(),
                            s.bytes(),
                            s.sha256(),
                            s.clusterId(),
                            s.receivedAt(),
                            serverTime(r, s.startedAt()),
                            r.status() == RecordingStatus.READY
                                ? "/api/v1/recordings/" + r.id() + "/segments/" + s.index()
                                : null))
                .toList(),
        parts,
        missing,
        video);
  }

  private static List<Part> parts(Recording r, List<Segment> segments) {
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < segments.size()) {
      Segment first = segments.get(i);
      int j = i;
      while (j + 1 < segments.size()
          && segments.get(j + 1).index() == segments.get(j).index() + 1
          && segments.get(j + 1).clusterId().equals(first.clusterId())) {
        j++;
      }
      Long end =
          j + 1 < segments.size() ? serverTime(r, segments.get(j + 1).startedAt()) : r.endedAt();
      parts.add(
          new Part(
              first.clusterId(),
              first.index(),
              segments.get(j).index(),
              serverTime(r, first.startedAt()),
              end));
      i = j + 1;
    }
    return parts;
  }

  /** Indices not (yet) held here: below the known total, or below the highest one held. */
  private static List<Integer> missing(Recording r, List<Segment> segments) {
    int total =
        r.segmentCount() != null
            ? r.segmentCount()
            : segments.isEmpty() ? 0 : segments.get(segments.size() - 1).index() + 1;
    List<Integer> missing = new ArrayList<>();
    int next = 0;
    for (Segment s : segments) {
      for (; next < Math.min(s.index(), total); next++) {
        missing.add(next);
      }
      next = Math.max(next, s.index() + 1);
    }
    for (; next < total; next++) {
      missing.add(next);
    }
    return missing;
  }

  private static Long serverTime(Recording r, Long clientTime) {
    return clientTime == null ? null : clientTime + r.clockOffsetMs();
  }
}
