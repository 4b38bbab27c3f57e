package cz.zoom.screenrec.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ControlCodecTest {

  private static EmbeddedChannel channel() {
    EmbeddedChannel ch = new EmbeddedChannel();
    ControlCodec.install(ch.pipeline());
    return ch;
  }

  private static ByteBuf frame(String json) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    return Unpooled.buffer().writeInt(b.length).writeBytes(b);
  }

  private static ProtocolException decodeError(String json) {
    EmbeddedChannel ch = channel();
    try {
      ch.writeInbound(frame(json));
      throw new AssertionError("expected a decoding error for " + json);
    } catch (DecoderException e) {
      return ControlCodec.classify(e);
    }
  }

  @Test
  void helloRoundTripsThroughFramesSplitAcrossReads() {
    Hello hello =
        new Hello(
            Limits.PROTOCOL_VERSION,
            "alice",
            "pc-1",
            "0.1.0",
            List.of(new Screen(0, 0, 0, 1920, 1080)),
            null,
            123L);
    EmbeddedChannel out = channel();
    out.writeOutbound(hello);
    ByteBuf wire = out.readOutbound();

    EmbeddedChannel in = channel();
    // deliver one byte at a time: framing must reassemble
    while (wire.isReadable()) {
      in.writeInbound(wire.readRetainedSlice(1));
    }
    wire.release();
    assertThat((Object) in.readInbound()).isEqualTo(hello);
  }

  @Test
  void everyMessageTypeSurvivesJson() {
    List<ControlMessage> all =
        List.of(
            new Welcome(
                "s1",
                "c1",
                3000,
                10000,
                CaptureSettings.DEFAULT,
                "http://h:8080/mus",
                null,
                null,
                5),
            new Heartbeat(1, 2, 3, 4),
            new HeartbeatAck(1, 2, 3),
            new Start(
                7, "0b6f3a2e-1111-4222-8333-444455556666", "call-1", "http://h/mus", "tok", null),
            new Stop(8, "0b6f3a2e-1111-4222-8333-444455556666"),
            new Ack(7, true, null),
            new RecordingStopped("0b6f3a2e-1111-4222-8333-444455556666", 3, 10, 20, "stopped"),
            new ErrorMessage(ErrorCode.AGENT_CONNECTED, "agent alice is connected"));
    for (ControlMessage m : all) {
      assertThat(ControlCodec.fromJson(ControlCodec.toJson(m))).isEqualTo(m);
    }
    assertThat(new String(ControlCodec.toJson(new Ack(1, true, null)), StandardCharsets.UTF_8))
        .contains("\"type\":\"ACK\"");
  }

  @Test
  void oversizedFrameIsRejectedBeforeItIsBuffered() {
    EmbeddedChannel ch = channel();
    ByteBuf header = Unpooled.buffer().writeInt(Limits.MAX_FRAME_BYTES + 1);
    assertThatThrownBy(() -> ch.writeInbound(header))
        .satisfies(
            e -> assertThat(ControlCodec.classify(e).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE));
  }

  @Test
  void zeroLengthFrameIsBad() {
    EmbeddedChannel ch = channel();
    assertThatThrownBy(() -> ch.writeInbound(Unpooled.buffer().writeInt(0)))
        .satisfies(e -> assertThat(ControlCodec.classify(e).code()).isEqualTo(ErrorCode.BAD_FRAME));
  }

  @Test
  void badPayloadsGetPreciseCodes() {
    assertThat(decodeError("not json").code()).isEqualTo(ErrorCode.BAD_FRAME);
    assertThat(decodeError("{\"type\":\"LAUNCH_ROCKETS\"}").code())
        .isEqualTo(ErrorCode.UNKNOWN_TYPE);
    assertThat(decodeError("{\"agent\":\"alice\"}").code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
    assertThat(
            decodeError(
                    "{\"type\":\"HELLO\",\"protocolVersion\":2,\"agent\":\"\",\"clientTime\":1}")
                .code())
        .isEqualTo(ErrorCode.INVALID_AGENT);
    assertThat(
            decodeError(
                    "{\"type\":\"HELLO\",\"protocolVersion\":2,\"agent\":\""
                        + "a".repeat(129)
                        + "\",\"clientTime\":1}")
                .code())
        .isEqualTo(ErrorCode.INVALID_AGENT);
    assertThat(
            decodeError(
                    "{\"type\":\"HELLO\",\"protocolVersion\":2,\"agent\":\"../etc\",\"clientTime\":1}")
                .code())
        .isEqualTo(ErrorCode.INVALID_AGENT);
    assertThat(
            decodeError(
                    "{\"type\":\"HELLO\",\"protocolVersion\":99,\"agent\":\"a\",\"clientTime\":1}")
                .code())
        .isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
    assertThat(decodeError("{\"type\":\"STOP\",\"seq\":1,\"recordingId\":\"../../x\"}").code())
        .isEqualTo(ErrorCode.BAD_MESSAGE);
    assertThat(decodeError("{\"type\":\"HEARTBEAT\",\"seq\":\"many\"}").code())
        .isEqualTo(ErrorCode.BAD_MESSAGE);
    // no silent coercions: a number is not a name, text and fractions are not whole numbers
    assertThat(
            decodeError("{\"type\":\"HELLO\",\"protocolVersion\":2,\"agent\":42,\"clientTime\":1}")
                .code())
        .isEqualTo(ErrorCode.BAD_MESSAGE);
    assertThat(decodeError("{\"type\":\"ACK\",\"seq\":\"5\",\"ok\":true}").code())
        .isEqualTo(ErrorCode.BAD_MESSAGE);
    assertThat(decodeError("{\"type\":\"ACK\",\"seq\":5.7,\"ok\":true}").code())
        .isEqualTo(ErrorCode.BAD_MESSAGE);
    assertThat(decodeError("{\"type\":\"ACK\",\"seq\":5,\"ok\":\"yes\"}").code())
        .isEqualTo(ErrorCode.BAD_MESSAGE);
    assertThat(decodeError("{\"type\":\"ACK\",\"seq\":5,\"ok\":true} trailing").code())
        .isIn(ErrorCode.BAD_MESSAGE, ErrorCode.BAD_FRAME);
  }

  @Test
  void theLargestHelloTheLimitsAllowFitsOneFrame() {
    String name = "n".repeat(Limits.MAX_NAME_LENGTH);
    String escaped = "\u0001".repeat(Limits.MAX_TEXT_LENGTH); // written as six bytes each
    String id = "0b6f3a2e-1111-4222-8333-444455556666";
    List<Screen> screens =
        java.util.Collections.nCopies(
            Limits.MAX_SCREENS, new Screen(15, -65_536, -65_536, 16_384, 16_384));
    List<PendingRecording> pending =
        java.util.Collections.nCopies(
            Hello.MAX_PENDING_RECORDINGS,
            new PendingRecording(id, name, Long.MIN_VALUE, Long.MIN_VALUE, 1_000_000, name));
    Hello hello =
        new Hello(
            Limits.PROTOCOL_VERSION,
            name,
            escaped,
            escaped,
            screens,
            new ActiveRecording(id, name, Long.MIN_VALUE, 1_000_000, name),
            Long.MIN_VALUE,
            63,
            pending,
            escaped);
    hello.validate();
    byte[] json = ControlCodec.toJson(hello);
    assertThat(json.length).isLessThanOrEqualTo(Limits.MAX_FRAME_BYTES);
    assertThat(ControlCodec.fromJson(json)).isEqualTo(hello);

    Hello tooMany =
        new Hello(
            Limits.PROTOCOL_VERSION,
            "alice",
            null,
            null,
            List.of(),
            null,
            1,
            null,
            java.util.Collections.nCopies(Hello.MAX_PENDING_RECORDINGS + 1, pending.get(0)));
    assertThatThrownBy(tooMany::validate)
        .isInstanceOf(ProtocolException.class)
        .extracting(e -> ((ProtocolException) e).code())
        .isEqualTo(ErrorCode.BAD_MESSAGE);
  }

  @Test
  void namesOfOnlyDotsAreRefusedBecauseTheyNameDirectories() {
    for (String dots : List.of(".", "..", "...")) {
      assertThat(
              decodeError(
                      "{\"type\":\"HELLO\",\"protocolVersion\":2,\"agent\":\""
                          + dots
                          + "\",\"clientTime\":1}")
                  .code())
          .as(dots)
          .isEqualTo(ErrorCode.INVALID_AGENT);
      assertThat(
              decodeError(
                      "{\"type\":\"START\",\"seq\":1,\"recordingId\":\"0b6f3a2e-1111-4222-8333-444455556666\","
                          + "\"callId\":\""
                          + dots
                          + "\",\"uploadUrl\":\"u\",\"uploadToken\":\"t\"}")
                  .code())
          .as(dots)
          .isEqualTo(ErrorCode.BAD_MESSAGE);
    }
    for (String name : List.of(".alice", "alice.", "a..b", "a")) {
      assertThat(Limits.NAME.matcher(name).matches()).as(name).isTrue();
    }
  }

  @Test
  void unknownFieldsAreIgnoredForForwardCompatibility() {
    ControlMessage m =
        ControlCodec.fromJson(
            "{\"type\":\"HEARTBEAT_ACK\",\"seq\":1,\"clientTime\":2,\"serverTime\":3,\"future\":true}"
                .getBytes(StandardCharsets.UTF_8));
    assertThat(m).isEqualTo(new HeartbeatAck(1, 2, 3));
  }
}
