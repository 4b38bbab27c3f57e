package cz.zoom.screenrec.server.api;

import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.server.recording.Recording;
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

  public record SegmentView(
      int index, long bytes, String sha256, String clusterId, long receivedAt, Long startedAt) {}

  /**
   * A run of consecutive segments this cluster holds that arrived through one cluster's MUS. Times
   * are server time; {@code endedAt} is the next part's start, or the recording's end.
   */
  public record Part(String clusterId, int fromIndex, int toIndex, Long startedAt, Long endedAt) {}

  public record VideoView(
      String codec,
      String contentType,
      long bytes,
      long durationMs,
      String url,
      String thumbnailUrl) {}

  /** Builds the view; {@code segments} may be null for list views, which leave them out. */
  public static RecordingView of(Recording r, List<Segment> segments) {
    List<Part> parts = segments == null ? null : parts(r, segments);
    List<Integer> missing = segments == null ? null : missing(r, segments);
    VideoView video =
        r.videoCodec() == null
            ? null
            : new VideoView(
                r.videoCodec(),
                VideoCodec.fromId(r.videoCodec()).contentType(),
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
                            serverTime(r, s.startedAt())))
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
