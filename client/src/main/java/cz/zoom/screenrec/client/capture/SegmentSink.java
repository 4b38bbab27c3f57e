package cz.zoom.screenrec.client.capture;

import java.io.IOException;
import java.io.OutputStream;

/** Where the recorder puts finished segments (the spool). */
public interface SegmentSink {

  /** Opens segment {@code index} of a recording; nothing is visible until it is committed. */
  Output open(String recordingId, int index) throws IOException;

  /**
   * Whether more may be captured now. False when the spool is at its limit: the recorder then
   * captures nothing (a DISK_FULL gap) until there is room again, and deletes nothing.
   */
  default boolean hasRoom() {
    return true;
  }

  /** One segment being written. */
  interface Output {
    /** The segment's bytes go here; closing it does not commit. */
    OutputStream stream();

    /**
     * Makes the segment durable and visible to the uploader; {@code last} marks the recording's
     * final segment.
     */
    void commit(boolean last) throws IOException;

    /** Drops the segment (it could not be written completely). Never throws. */
    void abort();

    /**
     * Lets go of the segment without committing or dropping it, for a hard shutdown: what reached
     * the sink stays where a later recovery can find it. Never throws.
     */
    default void release() {}
  }
}
