package cz.zoom.screenrec.format;

import java.util.List;

/**
 * What every segment says about itself before its first record.
 *
 * @param recordingId the recording the segment belongs to
 * @param segmentIndex position of the segment in the recording, from 0
 * @param startedAt capture time of the segment's start (UTC ms, client clock)
 * @param screens the monitors whose frames the segment carries
 */
public record SegmentHeader(String recordingId, int segmentIndex, long startedAt, List<ScreenLayout> screens) {
  public SegmentHeader {
    if (recordingId == null || recordingId.isEmpty() || recordingId.length() > 64) {
      throw new IllegalArgumentException("recordingId must be 1..64 characters");
    }
    if (segmentIndex < 0) {
      throw new IllegalArgumentException("segmentIndex must not be negative");
    }
    screens = List.copyOf(screens);
    if (screens.isEmpty() || screens.size() > 16) {
      throw new IllegalArgumentException("a segment carries 1..16 screens");
    }
  }

  public ScreenLayout screen(int id) {
    for (ScreenLayout s : screens) {
      if (s.id() == id) {
        return s;
      }
    }
    return null;
  }
}
