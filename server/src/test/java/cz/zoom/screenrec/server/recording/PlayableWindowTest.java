package cz.zoom.screenrec.server.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a client's claimed capture span is cut to before anything is encoded. */
class PlayableWindowTest {
  static final long T0 = 1_767_225_600_000L;
  static final long HOUR = 3_600_000;
  static final long MARGIN = 2_000;

  @Test
  void aRecordingOfThisClusterIsCutToItsCallAndItsUploads() {
    // START at T0 + 100 for a call of 60 s; the client claims six hours around it
    Recording r = recording(false, T0 + 100, 0);
    Call call = new Call("call-1", "alice", T0, T0 + 60_000);
    List<Segment> segments = List.of(segment(0, T0 + 30_000), segment(1, T0 + 61_000));
    PlayableWindow w =
        PlayableWindow.of(r, call, segments, T0 - 6 * HOUR, T0 + 6 * HOUR, MARGIN).orElseThrow();
    assertThat(w).isEqualTo(new PlayableWindow(T0 + 100 - MARGIN, T0 + 60_000 + MARGIN));

    // an honest claim inside the bounds is kept as it is
    assertThat(PlayableWindow.of(r, call, segments, T0 + 150, T0 + 60_020, MARGIN))
        .hasValue(new PlayableWindow(T0 + 150, T0 + 60_020));
  }

  @Test
  void nothingCanBeCapturedAfterItsLastUpload() {
    Recording r = recording(false, T0, 0);
    Call callNeverEnded = new Call("call-1", "alice", T0, null);
    assertThat(
            PlayableWindow.of(
                r, callNeverEnded, List.of(segment(0, T0 + 5_000)), T0, T0 + 6 * HOUR, MARGIN))
        .hasValue(new PlayableWindow(T0, T0 + 5_000 + MARGIN));
  }

  @Test
  void theMeasuredClockOffsetMovesTheBoundsIntoTheClientsClock() {
    // the client's clock is 10 s behind the server's: server time = client time + 10 s
    Recording r = recording(false, T0, 10_000);
    Call call = new Call("call-1", "alice", T0, T0 + 20_000);
    PlayableWindow w =
        PlayableWindow.of(r, call, List.of(segment(0, T0 + 21_000)), 0, Long.MAX_VALUE, 0)
            .orElseThrow();
    assertThat(w).isEqualTo(new PlayableWindow(T0 - 10_000, T0 + 10_000));
  }

  @Test
  void anAdoptedRecordingIsBoundedByItsCallFromThisClustersFeed() {
    // capture began on another cluster before this one created the row; the call's start bounds it
    Recording r = recording(true, T0 + 30_000, 0);
    Call call = new Call("call-1", "alice", T0, T0 + 60_000);
    assertThat(
            PlayableWindow.of(
                r, call, List.of(segment(0, T0 + 61_000)), T0 - 6 * HOUR, T0 + 6 * HOUR, MARGIN))
        .hasValue(new PlayableWindow(T0 - MARGIN, T0 + 60_000 + MARGIN));
    // another agent's call bounds nothing: the recording counts as taken over without a known call
    Call foreign = new Call("call-1", "mallory", T0, T0 + 60_000);
    assertThat(
            PlayableWindow.of(
                    r,
                    foreign,
                    List.of(segment(0, T0 + 61_000)),
                    T0 - 6 * HOUR,
                    T0 + 6 * HOUR,
                    MARGIN)
                .orElseThrow()
                .durationMs())
        .isEqualTo(PlayableWindow.MAX_SEGMENT_MS + MARGIN);
  }

  @Test
  void aRecordingTakenOverWithoutAKnownCallLastsAtMostWhatItsSegmentsCanHold() {
    // spooled while offline and uploaded hours later: where it lies comes from the client, how
    // long it is from the number of segments stored
    Recording r = recording(true, T0 + 5 * HOUR, 0);
    List<Segment> two = List.of(segment(0, T0 + 5 * HOUR), segment(1, T0 + 5 * HOUR));
    assertThat(PlayableWindow.of(r, null, two, T0, T0 + 60_000, MARGIN))
        .hasValue(new PlayableWindow(T0, T0 + 60_000));
    assertThat(PlayableWindow.of(r, null, two, T0 - 6 * HOUR, T0, MARGIN))
        .hasValue(
            new PlayableWindow(
                T0 - 6 * HOUR, T0 - 6 * HOUR + 2 * PlayableWindow.MAX_SEGMENT_MS + MARGIN));
    assertThat(
            PlayableWindow.of(r, null, two, Long.MIN_VALUE, Long.MAX_VALUE, MARGIN)
                .orElseThrow()
                .durationMs())
        .as("absurd claims neither overflow nor stretch it")
        .isEqualTo(2 * PlayableWindow.MAX_SEGMENT_MS + MARGIN);
  }

  @Test
  void aClaimEntirelyOutsideWhatTheServerObservedLeavesNothing() {
    Recording r = recording(false, T0, 0);
    Call call = new Call("call-1", "alice", T0, T0 + 60_000);
    List<Segment> segments = List.of(segment(0, T0 + 61_000));
    assertThat(PlayableWindow.of(r, call, segments, T0 - 6 * HOUR, T0 - 5 * HOUR, MARGIN))
        .isEmpty();
    assertThat(PlayableWindow.of(r, call, segments, T0 + 2 * HOUR, T0 + 3 * HOUR, MARGIN))
        .isEmpty();
    assertThat(PlayableWindow.of(r, call, List.of(), T0, T0 + 1_000, MARGIN))
        .as("no segment stored")
        .isEmpty();
  }

  static Recording recording(boolean adopted, long createdAt, long clockOffsetMs) {
    return new Recording(
        "00000000-0000-4000-8000-000000000001",
        "call-1",
        "alice",
        "desktop-1",
        "cluster-a",
        RecordingStatus.ENCODING,
        null,
        createdAt,
        null,
        null,
        clockOffsetMs,
        null,
        adopted,
        adopted ? "cluster-b" : null,
        null,
        null,
        null);
  }

  static Segment segment(int index, long receivedAt) {
    return new Segment(
        "00000000-0000-4000-8000-000000000001",
        index,
        "a".repeat(64),
        1_000,
        "cluster-a",
        receivedAt);
  }
}
