package cz.zoom.screenrec.service.ipc;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Screen;
import java.util.List;

/**
 * The messages between the service and a session's capture process (docs/service-mode.md). Each is
 * one frame of the control protocol's framing, 4-byte big-endian length then the body: a UTF-8 JSON
 * object whose {@code type} names the message, except SEGMENT_DATA, whose body is binary (see
 * {@link IpcConnection}) so that segment bytes travel as they are, at most {@link #MAX_CHUNK} a
 * frame.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = IpcMessage.Hello.class, name = "HELLO"),
  @JsonSubTypes.Type(value = IpcMessage.Welcome.class, name = "WELCOME"),
  @JsonSubTypes.Type(value = IpcMessage.Error.class, name = "ERROR"),
  @JsonSubTypes.Type(value = IpcMessage.Start.class, name = "START"),
  @JsonSubTypes.Type(value = IpcMessage.Stop.class, name = "STOP"),
  @JsonSubTypes.Type(value = IpcMessage.Configure.class, name = "CONFIGURE"),
  @JsonSubTypes.Type(value = IpcMessage.Ack.class, name = "ACK"),
  @JsonSubTypes.Type(value = IpcMessage.SegmentOpen.class, name = "SEGMENT_OPEN"),
  @JsonSubTypes.Type(value = IpcMessage.SegmentCommit.class, name = "SEGMENT_COMMIT"),
  @JsonSubTypes.Type(value = IpcMessage.SegmentAbort.class, name = "SEGMENT_ABORT"),
  @JsonSubTypes.Type(value = IpcMessage.Committed.class, name = "COMMITTED"),
  @JsonSubTypes.Type(value = IpcMessage.Stopped.class, name = "STOPPED"),
  @JsonSubTypes.Type(value = IpcMessage.SpoolRoom.class, name = "SPOOL_ROOM"),
})
public sealed interface IpcMessage {
  /** 2: SEGMENT_DATA is a binary frame (1 carried it base64 in JSON). */
  int VERSION = 2;

  /**
   * A SEGMENT_DATA frame's body: its kind byte, the recording id as 16 bytes, the segment index as
   * 4.
   */
  int SEGMENT_DATA_HEADER = 1 + 16 + 4;

  /** Segment bytes per SEGMENT_DATA: what a 64 KiB frame holds after its header. */
  int MAX_CHUNK = Limits.MAX_FRAME_BYTES - SEGMENT_DATA_HEADER;

  /** Capture → service, first: who is logged in to this session and what its display shows. */
  record Hello(int version, String login, String display, long pid, List<Screen> screens)
      implements IpcMessage {
    public Hello {
      screens = screens == null ? List.of() : List.copyOf(screens);
    }
  }

  /**
   * Service → capture: the session is recorded as {@code agent}; the service now connects to the
   * servers for it.
   */
  record Welcome(String agent) implements IpcMessage {}

  /** Either side, then it closes: {@code code} is one of the codes in docs/service-mode.md. */
  record Error(String code, String message) implements IpcMessage {}

  /** Service → capture: start capturing (the server's START, with the settings that apply). */
  record Start(long seq, String recordingId, String callId, CaptureSettings capture)
      implements IpcMessage {}

  /**
   * Service → capture: end the recording; its final segment comes, then STOPPED with the same seq.
   */
  record Stop(long seq, String recordingId, String reason) implements IpcMessage {}

  /** Service → capture: the server's CONFIGURE for the recording in progress; answered with ACK. */
  record Configure(long seq, CaptureSettings capture) implements IpcMessage {}

  /**
   * Capture → service: answer to START or CONFIGURE ({@code message} says why not when {@code ok}
   * is false), or to a STOP of a recording the capture process is not recording (ok false).
   */
  record Ack(long seq, boolean ok, String message) implements IpcMessage {}

  /** Capture → service: segment {@code index} of the recording being captured begins. */
  record SegmentOpen(String recordingId, int index) implements IpcMessage {}

  /** Capture → service: the next bytes of the open segment (a binary frame, not JSON). */
  record SegmentData(String recordingId, int index, byte[] data) implements IpcMessage {}

  /**
   * Capture → service: the open segment is complete; {@code last} marks the recording's final one.
   */
  record SegmentCommit(long seq, String recordingId, int index, boolean last)
      implements IpcMessage {}

  /** Capture → service: drop the open segment (it could not be written whole). */
  record SegmentAbort(String recordingId, int index) implements IpcMessage {}

  /**
   * Service → capture: answer to SEGMENT_COMMIT; ok means the segment is durable in the service's
   * spool.
   */
  record Committed(long seq, boolean ok, String message) implements IpcMessage {}

  /**
   * Service → capture, when it changes (and after WELCOME while full): whether the service's spool
   * has room. Without it the capture process pauses with a DISK_FULL gap, as a client does.
   */
  record SpoolRoom(boolean room) implements IpcMessage {}

  /**
   * Capture → service: the recording ended and its final segment was committed. {@code seq} is the
   * STOP's, or 0 when the capture ended it by itself (session logging off).
   */
  record Stopped(
      long seq, String recordingId, int segmentCount, long startedAt, long endedAt, String reason)
      implements IpcMessage {}
}
