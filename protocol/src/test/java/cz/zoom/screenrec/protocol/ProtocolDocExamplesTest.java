package cz.zoom.screenrec.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps docs/protocol.md honest: every example in it goes through the reference codec, so a renamed
 * field, a changed bound or a new error code breaks this test rather than a client someone wrote
 * from the page.
 *
 * <p>Fenced blocks the page uses: {@code json} (one message), {@code transcript} (lines {@code C→S
 * <json>} / {@code S→C <json>} / {@code # comment}), {@code invalid} (lines {@code <ERROR_CODE>
 * <payload>}), {@code hex} (a real frame as hex bytes).
 */
class ProtocolDocExamplesTest {

  private static final Set<String> CLIENT_TO_SERVER =
      Set.of("HELLO", "HEARTBEAT", "ACK", "RECORDING_STOPPED", "ERROR");
  private static final Set<String> SERVER_TO_CLIENT =
      Set.of("WELCOME", "HEARTBEAT_ACK", "START", "STOP", "PAUSE", "RESUME", "ERROR");
  private static final Pattern FENCE = Pattern.compile("(?ms)^```([a-z]+)\\n(.*?)^```\\s*$");

  private static String doc;

  @BeforeAll
  static void readDoc() throws IOException {
    doc = Files.readString(locateDoc(), StandardCharsets.UTF_8);
  }

  /** Surefire runs in the module directory; IDEs sometimes run in the repository root. */
  private static Path locateDoc() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("docs/protocol.md");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    throw new AssertionError("docs/protocol.md not found above " + Path.of("").toAbsolutePath());
  }

  private static List<String> blocks(String language) {
    List<String> out = new ArrayList<>();
    Matcher m = FENCE.matcher(doc);
    while (m.find()) {
      if (m.group(1).equals(language)) {
        out.add(m.group(2));
      }
    }
    return out;
  }

  private static ControlMessage parse(String json) {
    try {
      return ControlCodec.fromJson(json.getBytes(StandardCharsets.UTF_8));
    } catch (ProtocolException e) {
      throw new AssertionError(
          "documented example is rejected with " + e.code() + " (" + e.getMessage() + "): " + json,
          e);
    }
  }

  private static JsonNode tree(String json) {
    try {
      return ControlCodec.JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(json, e);
    }
  }

  /**
   * Unknown fields are silently ignored by the codec, so a misspelt field in an example would pass
   * parsing; comparing with the re-encoded message catches it.
   */
  private static void assertEveryFieldSurvives(
      String path, JsonNode example, JsonNode reencoded, String json) {
    if (example.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = example.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        JsonNode back = reencoded == null ? null : reencoded.get(f.getKey());
        if (f.getValue().isNull()) {
          continue;
        }
        if (back == null) {
          fail(
              "field %s%s of a documented example is not a field of the message: %s",
              path, f.getKey(), json);
        }
        assertEveryFieldSurvives(path + f.getKey() + ".", f.getValue(), back, json);
      }
    } else if (example.isArray()) {
      assertThat(reencoded.size()).as("array %s in %s", path, json).isEqualTo(example.size());
      for (int i = 0; i < example.size(); i++) {
        assertEveryFieldSurvives(path + i + ".", example.get(i), reencoded.get(i), json);
      }
    } else {
      assertThat(reencoded).as("value of %s in %s", path, json).isEqualTo(example);
    }
  }

  private static ControlMessage checkExample(String json) {
    ControlMessage m = parse(json);
    byte[] reencoded = ControlCodec.toJson(m);
    assertThat(ControlCodec.fromJson(reencoded)).as("round trip of %s", json).isEqualTo(m);
    assertEveryFieldSurvives(
        "", tree(json), tree(new String(reencoded, StandardCharsets.UTF_8)), json);
    return m;
  }

  private static String typeOf(String json) {
    return tree(json).get("type").asText();
  }

  @Test
  void everyJsonExampleIsAValidMessageWithOnlyKnownFields() {
    List<String> examples = blocks("json");
    assertThat(examples).hasSizeGreaterThanOrEqualTo(11);
    Set<String> types =
        examples.stream()
            .map(String::strip)
            .peek(ProtocolDocExamplesTest::checkExample)
            .map(ProtocolDocExamplesTest::typeOf)
            .collect(Collectors.toSet());
    assertThat(types).as("message types with an example").containsAll(allTypeNames());
  }

  @Test
  void transcriptIsValidAndConsistent() {
    List<String> transcripts = blocks("transcript");
    assertThat(transcripts).hasSize(1);
    Map<Long, String> commandsAwaitingAck = new HashMap<>();
    Map<Long, Long> heartbeatsAwaitingAck = new HashMap<>();
    List<String> order = new ArrayList<>();
    for (String line : transcripts.get(0).lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String direction = line.substring(0, 3);
      String json = line.substring(3).strip();
      ControlMessage m = checkExample(json);
      String type = typeOf(json);
      order.add(type);
      switch (direction) {
        case "C→S" -> assertThat(CLIENT_TO_SERVER).as("client may send %s", type).contains(type);
        case "S→C" -> assertThat(SERVER_TO_CLIENT).as("server may send %s", type).contains(type);
        default -> fail("transcript line must start with C→S or S→C: " + line);
      }
      // Java 17: no pattern matching in switch yet
      if (m instanceof Start s) {
        commandsAwaitingAck.put(s.seq(), type);
      } else if (m instanceof Stop s) {
        commandsAwaitingAck.put(s.seq(), type);
      } else if (m instanceof Pause p) {
        commandsAwaitingAck.put(p.seq(), type);
      } else if (m instanceof Resume r) {
        commandsAwaitingAck.put(r.seq(), type);
      } else if (m instanceof Ack a) {
        assertThat(commandsAwaitingAck.remove(a.seq()))
            .as("ACK %s answers a command", a.seq())
            .isNotNull();
      } else if (m instanceof Heartbeat h) {
        heartbeatsAwaitingAck.put(h.seq(), h.clientTime());
      } else if (m instanceof HeartbeatAck h) {
        assertThat(heartbeatsAwaitingAck.remove(h.seq()))
            .as("HEARTBEAT_ACK %s echoes its HEARTBEAT's clientTime", h.seq())
            .isEqualTo(h.clientTime());
      }
    }
    assertThat(order.get(0)).isEqualTo("HELLO");
    assertThat(order.get(1)).isEqualTo("WELCOME");
    assertThat(commandsAwaitingAck).as("commands never acknowledged").isEmpty();
    assertThat(heartbeatsAwaitingAck).as("heartbeats never answered").isEmpty();
  }

  @Test
  void badInputExamplesGetTheDocumentedCode() {
    List<String> blocks = blocks("invalid");
    assertThat(blocks).hasSize(1);
    List<String> lines = blocks.get(0).lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).hasSizeGreaterThanOrEqualTo(10);
    for (String line : lines) {
      int space = line.indexOf(' ');
      ErrorCode expected = ErrorCode.valueOf(line.substring(0, space));
      String payload = line.substring(space + 1);
      ErrorCode actual = null;
      try {
        ControlCodec.fromJson(payload.getBytes(StandardCharsets.UTF_8));
      } catch (ProtocolException e) {
        actual = e.code();
      }
      assertThat(actual).as("code for %s", payload).isEqualTo(expected);
    }
  }

  @Test
  void hexFrameIsWhatTheEncoderWritesAndDecodes() {
    List<String> blocks = blocks("hex");
    assertThat(blocks).hasSize(1);
    StringBuilder hex = new StringBuilder();
    for (String line : blocks.get(0).lines().toList()) {
      for (String token : line.strip().split("\\s+")) {
        if (!token.matches("[0-9a-f]{2}")) {
          break; // the rest of the line is the explanation column
        }
        hex.append(token);
      }
    }
    byte[] frame = ByteBufUtil.decodeHexDump(hex);

    EmbeddedChannel in = new EmbeddedChannel();
    ControlCodec.install(in.pipeline());
    in.writeInbound(Unpooled.wrappedBuffer(frame));
    ControlMessage decoded = in.readInbound();
    // the page introduces the frame as the client acknowledging command 7
    assertThat(decoded).isEqualTo(new Ack(7, true, null));

    EmbeddedChannel out = new EmbeddedChannel();
    ControlCodec.install(out.pipeline());
    out.writeOutbound(decoded);
    ByteBuf encoded = out.readOutbound();
    try {
      assertThat(ByteBufUtil.getBytes(encoded)).isEqualTo(frame);
    } finally {
      encoded.release();
    }
  }

  /** docs/protocol.md, section 3, states the largest payload a receiver accepts. */
  @Test
  void documentedPayloadBoundIsTheDecodersBound() {
    assertThat(doc).contains("1 ≤ N ≤ **65 536**");
    assertThat(decodePaddedAck(Limits.MAX_FRAME_BYTES)).isNull();
    assertThat(decodePaddedAck(Limits.MAX_FRAME_BYTES + 1)).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
  }

  private static ErrorCode decodePaddedAck(int payloadBytes) {
    StringBuilder json = new StringBuilder("{\"type\":\"ACK\",\"seq\":1,\"ok\":true}");
    json.append(" ".repeat(payloadBytes - json.length()));
    byte[] b = json.toString().getBytes(StandardCharsets.UTF_8);
    EmbeddedChannel ch = new EmbeddedChannel();
    ControlCodec.install(ch.pipeline());
    try {
      ch.writeInbound(Unpooled.buffer().writeInt(b.length).writeBytes(b));
      assertThat((Object) ch.readInbound()).isInstanceOf(Ack.class);
      return null;
    } catch (RuntimeException e) {
      return ControlCodec.classify(e).code();
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void everyMessageTypeHasASectionAndEveryErrorCodeARow() {
    for (String type : allTypeNames()) {
      assertThat(doc)
          .as("section for %s", type)
          .containsPattern("(?m)^### .*\\b" + Pattern.quote(type) + "\\b");
    }
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(doc).as("error table row for %s", code).contains("| `" + code.name() + "` |");
    }
    assertThat(doc)
        .contains("`protocolVersion` | int32 | req. | MUST be `" + Limits.PROTOCOL_VERSION + "`");
  }

  private static Set<String> allTypeNames() {
    return Arrays.stream(ControlMessage.class.getAnnotation(JsonSubTypes.class).value())
        .map(JsonSubTypes.Type::name)
        .collect(Collectors.toSet());
  }
}
