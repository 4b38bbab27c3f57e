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
public record SegmentHeader(
    String recordingId, int segmentIndex, long startedAt, List<ScreenLayout> screens) {
  public SegmentHeader {
    if (recordingId == null
        || recordingId.isEmpty()
        || recordingId.length() > FormatLimits.MAX_RECORDING_ID) {
      throw new IllegalArgumentException(
          "recordingId must be 1.." + FormatLimits.MAX_RECORDING_ID + " characters");
    }
    if (segmentIndex < 0) {
      throw new IllegalArgumentException("segmentIndex must not be negative");
    }
    screens = List.copyOf(screens);
    if (screens.isEmpty() || screens.size() > FormatLimits.MAX_SCREENS) {
      throw new IllegalArgumentException(
          "a segment carries 1.." + FormatLimits.MAX_SCREENS + " screens");
    }
    long pixels = 0;
    boolean[] seen = new boolean[256];
    for (ScreenLayout s : screens) {
      if (seen[s.id()]) {
        throw new IllegalArgumentException("screen id " + s.id() + " appears twice");
      }
      seen[s.id()] = true;
      pixels += (long) s.width() * s.height();
    }
    if (pixels > FormatLimits.MAX_TOTAL_PIXELS) {
      throw new IllegalArgumentException(
          "screens have "
              + pixels
              + " pixels together, more than "
              + FormatLimits.MAX_TOTAL_PIXELS);
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
