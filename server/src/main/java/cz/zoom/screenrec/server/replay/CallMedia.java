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
      String videoUrl,
      String thumbnailUrl,
      String thumbnailsUrl) {

    Screen withUrls(String videoUrl, String thumbnailUrl, String thumbnailsUrl) {
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
          videoUrl,
          thumbnailUrl,
          thumbnailsUrl);
    }
  }

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
