package cz.zoom.screenrec.server.api.http;

import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.Segment;
import java.util.List;

/** A recording as the REST API shows it. Times are UTC milliseconds in server time. */
public record RecordingView(
    String id,
    String agent,
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
    VideoView video) {

  public record SegmentView(int index, long bytes, String sha256, String clusterId, long receivedAt) {}

  public record VideoView(String codec, long bytes, long durationMs, String url, String thumbnailUrl) {}

  /** Builds the view; {@code segments} may be null for list views, which leave them out. */
  public static RecordingView of(Recording r, List<Segment> segments) {
    VideoView video = r.videoCodec() == null ? null : new VideoView(r.videoCodec(), r.videoBytes(),
        r.videoDurationMs(), "/api/v1/recordings/" + r.id() + "/video",
        "/api/v1/recordings/" + r.id() + "/thumbnail");
    return new RecordingView(r.id(), r.agent(), r.callId(), r.clusterId(), r.status().name(), r.failureReason(),
        r.startedAt(), r.endedAt(), r.clockOffsetMs(), r.adopted(), r.originClusterId(), r.segmentCount(),
        segments == null ? null : segments.stream()
            .map(s -> new SegmentView(s.index(), s.bytes(), s.sha256(), s.clusterId(), s.receivedAt())).toList(),
        video);
  }
}
