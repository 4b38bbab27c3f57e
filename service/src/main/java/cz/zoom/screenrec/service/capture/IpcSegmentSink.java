package cz.zoom.screenrec.service.capture;

import cz.zoom.screenrec.client.capture.SegmentSink;
import cz.zoom.screenrec.service.ipc.IpcConnection;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The recorder's segment sink in a capture process: each segment streams to the service in
 * SEGMENT_DATA chunks, and a commit returns only once the service answered that the segment is
 * durable in its spool. Nothing is kept on the session's disk.
 */
final class IpcSegmentSink implements SegmentSink {
  private final Duration commitTimeout;
  private final AtomicLong seqs = new AtomicLong();
  private final Map<Long, CompletableFuture<IpcMessage.Committed>> commits =
      new ConcurrentHashMap<>();
  private volatile IpcConnection ipc;
  private volatile boolean room = true;

  IpcSegmentSink(Duration commitTimeout) {
    this.commitTimeout = commitTimeout;
  }

  /** The connection segments go to now; null while there is none. */
  void connection(IpcConnection value) {
    ipc = value;
    room = true; // a new service says so if its spool is full
    if (value == null) {
      commits
          .values()
          .forEach(f -> f.completeExceptionally(new IOException("service connection lost")));
    }
  }

  /** The service's spool has room (SPOOL_ROOM), or not. */
  void room(boolean value) {
    room = value;
  }

  @Override
  public boolean hasRoom() {
    return room;
  }

  void onCommitted(IpcMessage.Committed c) {
    CompletableFuture<IpcMessage.Committed> f = commits.remove(c.seq());
    if (f != null) {
      f.complete(c);
    }
  }

  @Override
  public Output open(String recordingId, int index) throws IOException {
    IpcConnection to = ipc;
    if (to == null) {
      throw new IOException("not connected to the service");
    }
    to.send(new IpcMessage.SegmentOpen(recordingId, index));
    return new Segment(to, recordingId, index);
  }

  private final class Segment extends OutputStream implements Output {
    private final IpcConnection to;
    private final String recordingId;
    private final int index;
    private final byte[] buf = new byte[IpcMessage.MAX_CHUNK];
    private int used;
    private boolean done;

    Segment(IpcConnection to, String recordingId, int index) {
      this.to = to;
      this.recordingId = recordingId;
      this.index = index;
    }

    @Override
    public OutputStream stream() {
      return this;
    }

    @Override
    public void write(int b) throws IOException {
      if (used == buf.length) {
        flush();
      }
      buf[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == buf.length) {
          flush();
        }
        int n = Math.min(len, buf.length - used);
        System.arraycopy(b, off, buf, used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    @Override
    public void flush() throws IOException {
      if (used > 0) {
        to.send(new IpcMessage.SegmentData(recordingId, index, java.util.Arrays.copyOf(buf, used)));
        used = 0;
      }
    }

    /** The segment writer closes its stream at the trailer; the segment is committed separately. */
    @Override
    public void close() throws IOException {
      flush();
    }

    @Override
    public void commit(boolean last) throws IOException {
      if (done) {
        throw new IllegalStateException(
            "segment " + index + " of " + recordingId + " is already committed");
      }
      done = true;
      flush();
      long seq = seqs.incrementAndGet();
      CompletableFuture<IpcMessage.Committed> answer = new CompletableFuture<>();
      commits.put(seq, answer);
      if (ipc != to) {
        commits.remove(seq);
        throw new IOException("service connection lost");
      }
      to.send(new IpcMessage.SegmentCommit(seq, recordingId, index, last));
      IpcMessage.Committed c;
      try {
        c = answer.get(commitTimeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while the service spooled segment " + index, e);
      } catch (ExecutionException e) {
        throw new IOException(e.getCause().getMessage(), e.getCause());
      } catch (TimeoutException e) {
        throw new IOException(
            "the service did not confirm segment " + index + " within " + commitTimeout);
      } finally {
        commits.remove(seq);
      }
      if (!c.ok()) {
        throw new IOException("the service could not spool segment " + index + ": " + c.message());
      }
    }

    @Override
    public void abort() {
      if (done) {
        return;
      }
      done = true;
      try {
        to.send(new IpcMessage.SegmentAbort(recordingId, index));
      } catch (IOException e) {
        // the service drops an open segment when the connection goes
      }
    }
  }
}
