package cz.zoom.screenrec.service;

import cz.zoom.screenrec.client.capture.SegmentSink;
import cz.zoom.screenrec.service.ipc.IpcConnection.IpcProtocolException;
import cz.zoom.screenrec.service.ipc.IpcMessage;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the segments a session's capture process streams over IPC into the service's spool. It may
 * write only into the recording the service started there, from index 0 without gaps, at most
 * {@link #MAX_SEGMENT_BYTES} a segment; anything else is a protocol error that ends the session.
 * Called from the session's reader thread, and by {@link IpcCapture} when a recording begins or
 * ends.
 */
final class SegmentReceiver {
  private static final Logger log = LoggerFactory.getLogger(SegmentReceiver.class);

  /**
   * The Media Upload Server takes at most this much per segment; more is a broken capture process.
   */
  static final long MAX_SEGMENT_BYTES = 256L * 1024 * 1024;

  /**
   * What a session may still write while the spool is full: a capture process pauses within a
   * second of hearing SPOOL_ROOM (a 1080p video at 2.5 Mbit/s writes 300 KB in it); one that goes
   * on would fill the disk of every session on the host.
   */
  static final long MAX_BYTES_WHILE_FULL = 8L * 1024 * 1024;

  private final String agent;
  private final SegmentSink spool;
  private final long maxSegmentBytes;

  /** The recording the capture process may write now, or null. */
  private String recordingId;

  private int nextIndex;
  private SegmentSink.Output open;
  private int openIndex;
  private long openBytes;
  private long bytesWhileFull;

  SegmentReceiver(String agent, SegmentSink spool) {
    this(agent, spool, MAX_SEGMENT_BYTES);
  }

  SegmentReceiver(String agent, SegmentSink spool, long maxSegmentBytes) {
    this.agent = agent;
    this.spool = spool;
    this.maxSegmentBytes = maxSegmentBytes;
  }

  /** Segments of {@code id} may come from now on, from index 0 (even before START's ACK). */
  synchronized void expect(String id) {
    abortOpen();
    recordingId = id;
    nextIndex = 0;
  }

  /** Nothing more comes for {@code id}: a segment still open is dropped. */
  synchronized void end(String id) {
    if (id.equals(recordingId)) {
      abortOpen();
      recordingId = null;
    }
  }

  /** The index of the segment being written now, which is the next one to be spooled. */
  synchronized int nextIndex() {
    return nextIndex;
  }

  synchronized void onOpen(IpcMessage.SegmentOpen m) throws IOException {
    requireExpected(m.recordingId());
    if (open != null) {
      throw new IpcProtocolException(
          "UNEXPECTED_MESSAGE", "segment " + openIndex + " is still open");
    }
    if (m.index() != nextIndex) {
      throw new IpcProtocolException(
          "BAD_MESSAGE", "segment " + m.index() + " opened, expected " + nextIndex);
    }
    open = spool.open(m.recordingId(), m.index());
    openIndex = m.index();
    openBytes = 0;
  }

  synchronized void onData(IpcMessage.SegmentData m) throws IOException {
    requireOpen(m.recordingId(), m.index());
    byte[] data = m.data() == null ? new byte[0] : m.data();
    bytesWhileFull = spool.hasRoom() ? 0 : bytesWhileFull + data.length;
    if (bytesWhileFull > MAX_BYTES_WHILE_FULL) {
      abortOpen();
      throw new IpcProtocolException(
          "SPOOL_FULL", "the spool is full and the capture process did not pause");
    }
    openBytes += data.length;
    if (openBytes > maxSegmentBytes) {
      abortOpen();
      throw new IpcProtocolException(
          "SEGMENT_TOO_LARGE", "segment larger than " + maxSegmentBytes + " bytes");
    }
    open.stream().write(data);
  }

  /**
   * Makes the segment durable in the spool; the answer tells the capture process it may forget it.
   */
  synchronized IpcMessage.Committed onCommit(IpcMessage.SegmentCommit m) throws IOException {
    requireOpen(m.recordingId(), m.index());
    SegmentSink.Output out = open;
    open = null;
    try {
      out.stream().flush();
      out.commit(m.last());
    } catch (IOException e) {
      out.abort();
      log.error(
          "agent {}: cannot spool segment {} of {}: {}",
          agent,
          m.index(),
          m.recordingId(),
          e.toString());
      return new IpcMessage.Committed(
          m.seq(), false, "cannot write the service's spool: " + e.getMessage());
    }
    if (!m.last()) {
      nextIndex = m.index() + 1;
    }
    return new IpcMessage.Committed(m.seq(), true, null);
  }

  synchronized void onAbort(IpcMessage.SegmentAbort m) throws IOException {
    requireOpen(m.recordingId(), m.index());
    abortOpen();
  }

  private void requireExpected(String id) throws IpcProtocolException {
    if (recordingId == null || !recordingId.equals(id)) {
      throw new IpcProtocolException(
          "UNEXPECTED_MESSAGE", "recording " + id + " is not being captured");
    }
  }

  private void requireOpen(String id, int index) throws IpcProtocolException {
    requireExpected(id);
    if (open == null || openIndex != index) {
      throw new IpcProtocolException(
          "UNEXPECTED_MESSAGE", "segment " + index + " of " + id + " is not open");
    }
  }

  private void abortOpen() {
    if (open != null) {
      open.abort();
      open = null;
    }
  }
}
