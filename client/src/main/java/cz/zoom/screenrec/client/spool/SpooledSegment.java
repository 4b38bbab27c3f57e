package cz.zoom.screenrec.client.spool;

import cz.zoom.screenrec.client.capture.SegmentSink;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A segment being written to its temporary file; {@link #commit} fsyncs it and renames it into
 * place.
 */
final class SpooledSegment implements SegmentSink.Output {
  private final Spool spool;
  private final String recordingId;
  private final int index;
  private final Path tmp;
  private final FileChannel channel;
  private final OutputStream stream;
  private boolean done;

  SpooledSegment(Spool spool, String recordingId, int index, Path tmp) throws IOException {
    this.spool = spool;
    this.recordingId = recordingId;
    this.index = index;
    this.tmp = tmp;
    this.channel =
        FileChannel.open(
            tmp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    // the segment writer closes its stream when it writes the trailer; the file must stay open
    // until it is fsynced, so closing only flushes
    this.stream =
        new FilterOutputStream(
            new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
  }

  @Override
  public OutputStream stream() {
    return stream;
  }

  @Override
  public void commit(boolean last) throws IOException {
    if (done) {
      throw new IllegalStateException(
          "segment " + index + " of " + recordingId + " is already committed");
    }
    stream.flush();
    channel.force(true);
    channel.close();
    done = true;
    spool.publish(recordingId, index, tmp, last);
  }

  /**
   * Closes the temporary file as it is: {@link Spool#recover()} keeps it if its header reached the
   * disk.
   */
  @Override
  public void release() {
    end(true);
  }

  @Override
  public void abort() {
    if (end(false)) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // a leftover temporary file is cleaned up at the next start
      }
    }
  }

  /** Closes the file unless the segment is done already; false if it was. */
  private boolean end(boolean flush) {
    if (done) {
      return false;
    }
    done = true;
    try {
      if (flush) {
        stream.flush();
      }
    } catch (IOException e) {
      // what did not reach the file is lost with the process anyway
    } finally {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing more can be done with it
      }
    }
    return true;
  }
}
