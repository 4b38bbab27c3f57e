package cz.zoom.screenrec.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One message of the control protocol. On the wire each message is a JSON object whose {@code
 * "type"} member names the record below (see docs/protocol.md).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = Hello.class, name = "HELLO"),
  @JsonSubTypes.Type(value = Welcome.class, name = "WELCOME"),
  @JsonSubTypes.Type(value = Heartbeat.class, name = "HEARTBEAT"),
  @JsonSubTypes.Type(value = HeartbeatAck.class, name = "HEARTBEAT_ACK"),
  @JsonSubTypes.Type(value = Start.class, name = "START"),
  @JsonSubTypes.Type(value = Stop.class, name = "STOP"),
  @JsonSubTypes.Type(value = Pause.class, name = "PAUSE"),
  @JsonSubTypes.Type(value = Resume.class, name = "RESUME"),
  @JsonSubTypes.Type(value = Configure.class, name = "CONFIGURE"),
  @JsonSubTypes.Type(value = Ack.class, name = "ACK"),
  @JsonSubTypes.Type(value = RecordingStopped.class, name = "RECORDING_STOPPED"),
  @JsonSubTypes.Type(value = ErrorMessage.class, name = "ERROR"),
})
public sealed interface ControlMessage
    permits Hello,
        Welcome,
        Heartbeat,
        HeartbeatAck,
        Start,
        Stop,
        Pause,
        Resume,
        Configure,
        Ack,
        RecordingStopped,
        ErrorMessage {

  /** Checks field bounds after decoding; throws {@link ProtocolException} with BAD_MESSAGE. */
  default void validate() {}
}
