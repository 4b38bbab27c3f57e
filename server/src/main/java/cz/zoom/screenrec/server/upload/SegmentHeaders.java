package cz.zoom.screenrec.server.upload;

import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.server.storage.LocalMediaStore.RejectedSegmentException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks a received segment's own header against where it was uploaded, so a segment can never be
 * filed under another recording or index. The body is not decoded here; the encoder copes with
 * damage past the header.
 */
final class SegmentHeaders {
  private SegmentHeaders() {}

  /** Returns the segment's capture start time, or refuses it. */
  static long check(Path segment, String recordingId, int index) throws RejectedSegmentException {
    SegmentHeader header;
    try (InputStream in = Files.newInputStream(segment);
        SegmentReader reader = new SegmentReader(in)) {
      header = reader.header();
    } catch (IOException e) {
      throw new RejectedSegmentException("not a capture segment: " + e.getMessage(), false);
    }
    if (!header.recordingId().equals(recordingId) || header.segmentIndex() != index) {
      throw new RejectedSegmentException(
          "segment header says recording "
              + header.recordingId()
              + " index "
              + header.segmentIndex()
              + ", but it was uploaded as "
              + recordingId
              + " index "
              + index,
          false);
    }
    return header.startedAt();
  }
}
