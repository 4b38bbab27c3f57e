package cz.zoom.screenrec.server.replay;

import java.util.List;

/**
 * The media of one call as one cluster holds them, and as the replay shows them once gathered from
 * every cluster. The same shapes travel between clusters (GET /api/v1/calls/{id}/media); there the
 * URL fields are absent, and the gathering server fills in its own /replay URLs. Times are UTC ms
 * in server time.
 */
public final class CallMedia {
  private CallMedia() {}

  /** What one cluster knows of a call. */
  public record ClusterCall(
      String clusterId,
      String callId,
      String agent,
      Long callStartedAt,
      Long callEndedAt,
      List<Screen> screen,
      List<Audio> audio) {}

  /**
   * One recording of the call's screen on one cluster. After a failover the same recording id can
   * appear once per cluster, each with the segments that cluster received.
   */
  public record Screen(
      String recordingId,
      String clusterId,
      String agent,
      String status,
      Long startedAt,
      Long endedAt,
      Long durationMs,
      String contentType,
      List<Part> parts,
      List<Gap> gaps,
      List<ScreenRect> screens,
      Long clockOffsetMs,
      List<SegmentRef> segments,
      String videoUrl,
      String thumbnailUrl,
      String thumbnailsUrl) {

    /** The URLs of this cluster's replay for the recording's media, segments included. */
    Screen withUrls(String base, boolean ready) {
      return new Screen(
          recordingId,
          clusterId,
          agent,
          status,
          startedAt,
          endedAt,
          durationMs,
          contentType,
          parts,
          gaps,
          screens,
          clockOffsetMs,
          segments == null
              ? List.of()
              : segments.stream()
                  .map(
                      s ->
                          new SegmentRef(
                              s.index(),
                              s.startedAt(),
                              s.bytes(),
                              ready ? base + "/segments/" + s.index() : null))
                  .toList(),
          ready ? base + "/video" : null,
          ready ? base + "/thumbnail" : null,
          thumbnailsUrl);
    }

    Screen withThumbnails(String thumbnailsUrl) {
      return new Screen(
          recordingId,
          clusterId,
          agent,
          status,
          startedAt,
          endedAt,
          durationMs,
          contentType,
          parts,
          gaps,
          screens,
          clockOffsetMs,
          segments,
          videoUrl,
          thumbnailUrl,
          thumbnailsUrl);
    }

    Screen withGaps(List<Gap> g) {
      return new Screen(
          recordingId,
          clusterId,
          agent,
          status,
          startedAt,
          endedAt,
          durationMs,
          contentType,
          parts,
          g,
          screens,
          clockOffsetMs,
          segments,
          videoUrl,
          thumbnailUrl,
          thumbnailsUrl);
    }
  }

  /**
   * One capture segment this cluster holds: {@code startedAt} is server time (the header's capture
   * time plus the recording's clock offset); {@code url} is where the replay fetches it.
   */
  public record SegmentRef(int index, Long startedAt, long bytes, String url) {}

  /** A run of consecutive segments received through one cluster's upload server. */
  public record Part(String clusterId, int fromIndex, int toIndex, Long startedAt, Long endedAt) {}

  /**
   * A stretch without screen: PAUSED, CAPTURE_LOST, DISK_FULL (the agent's spool was full),
   * FAILOVER (the segments are on another cluster) or MISSING (never arrived). {@code
   * fromIndex}/{@code toIndex} name the missing segments, when the gap is made of missing segments.
   */
  public record Gap(long from, long to, String reason, Integer fromIndex, Integer toIndex) {}

  /**
   * A monitor's place in the encoded picture, in capture pixels relative to the picture's top left
   * corner; the picture may be scaled down as a whole (videoWidth / canvas width).
   */
  public record ScreenRect(int id, int x, int y, int width, int height) {}

  /** The call's audio on one cluster. */
  public record Audio(
      String clusterId,
      String callId,
      Long startedAt,
      Long durationMs,
      String contentType,
      String codec,
      String url) {}

  /** One row of the call search. */
  public record CallSummary(
      String callId,
      String agent,
      Long startedAt,
      Long endedAt,
      boolean hasScreen,
      boolean hasAudio,
      List<String> clusters) {}
}
