package cz.zoom.screenrec.server;

import static cz.zoom.screenrec.server.ServerFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.server.config.ServerConfig;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUT /api/v1/calls/{callId}/audio: accepted formats, what browsers get back, and refusals. */
class AudioIntakeTest {
  static final long T0 = 1_700_000_000_000L;
  @TempDir Path dataDir;
  @TempDir Path work;
  ServerFixture fx;

  @BeforeEach
  void start() throws Exception {
    fx =
        new ServerFixture(
            dataDir,
            ServerConfig.builder().adminPassword("admin-secret-1").maxAudioBytes(256 * 1024));
  }

  @AfterEach
  void stop() {
    fx.close();
  }

  HttpResponse<String> put(String callId, String query, byte[] body) throws Exception {
    return fx.send(
        fx.api("/api/v1/calls/" + callId + "/audio" + query)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  @Test
  void pcmWavIsKeptAsItIs() throws Exception {
    byte[] wav = TestAudio.wavPcm16(8_000, TestAudio.tone(8_000, 1_500, 440, null, null));
    HttpResponse<String> r = put("call-pcm", "?startedAt=" + T0 + "&agent=alice", wav);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    JsonNode body = json(r);
    assertThat(body.get("callId").asText()).isEqualTo("call-pcm");
    assertThat(body.get("startedAt").asLong()).isEqualTo(T0);
    assertThat(body.get("durationMs").asLong()).isEqualTo(1_500);
    assertThat(body.get("format").asText()).isEqualTo("wav");
    assertThat(body.get("codec").asText()).isEqualTo("pcm_s16le");

    JsonNode info = json(fx.get("/api/v1/calls/call-pcm/audio/info"));
    assertThat(info.get("clusterId").asText()).isEqualTo("default");
    assertThat(info.get("agent").asText()).isEqualTo("alice");
    assertThat(info.get("contentType").asText()).isEqualTo("audio/wav");
    HttpResponse<byte[]> file =
        fx.http.send(
            fx.api("/api/v1/calls/call-pcm/audio").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.body()).isEqualTo(wav);
    HttpResponse<byte[]> range =
        fx.http.send(
            fx.api("/api/v1/calls/call-pcm/audio").header("Range", "bytes=44-99").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).hasSize(56);
    assertThat(Files.readAllBytes(dataDir.resolve("media/calls/call-pcm/audio.wav")))
        .isEqualTo(wav);
  }

  @Test
  void mulawWavIsTranscodedToPcmForBrowsers() throws Exception {
    byte[] wav = TestAudio.wavMulaw(8_000, TestAudio.tone(8_000, 2_000, 440, null, null));
    HttpResponse<String> r = put("call-ulaw", "?startedAt=" + T0 + "&format=wav", wav);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(json(r).get("codec").asText()).isEqualTo("pcm_mulaw");
    assertThat(json(r).get("durationMs").asLong()).isEqualTo(2_000);
    assertThat(json(r).get("contentType").asText()).isEqualTo("audio/wav");

    HttpResponse<byte[]> file =
        fx.http.send(
            fx.api("/api/v1/calls/call-ulaw/audio").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.statusCode()).isEqualTo(200);
    Path served = work.resolve("served.wav");
    Files.write(served, file.body());
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(served.toFile())) {
      g.start();
      assertThat(g.getAudioCodecName()).isIn("pcm_s16le", null);
      assertThat(g.getSampleRate()).isEqualTo(8_000);
      assertThat(g.getLengthInTime() / 1000).isBetween(1_990L, 2_010L);
    }
    // the original stays as the recorder sent it
    assertThat(Files.readAllBytes(dataDir.resolve("media/calls/call-ulaw/audio.wav")))
        .isEqualTo(wav);
  }

  @Test
  void oggOpusIsKeptAndAReplacementWins() throws Exception {
    byte[] ogg = TestAudio.oggOpus(work, TestAudio.tone(48_000, 1_000, 440, null, null));
    HttpResponse<String> r = put("call-opus", "?startedAt=" + T0, ogg);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    assertThat(json(r).get("format").asText()).isEqualTo("ogg");
    assertThat(json(r).get("codec").asText()).isEqualTo("opus");
    assertThat(json(r).get("durationMs").asLong()).isBetween(980L, 1_030L);
    assertThat(json(r).get("contentType").asText()).isEqualTo("audio/ogg");
    HttpResponse<byte[]> file =
        fx.http.send(
            fx.api("/api/v1/calls/call-opus/audio").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(file.body()).isEqualTo(ogg);
    assertThat(file.headers().firstValue("Content-Type")).hasValue("audio/ogg");

    byte[] wav = TestAudio.wavPcm16(16_000, TestAudio.tone(16_000, 500, 440, null, null));
    assertThat(put("call-opus", "?startedAt=" + (T0 + 5), wav).statusCode()).isEqualTo(201);
    JsonNode info = json(fx.get("/api/v1/calls/call-opus/audio/info"));
    assertThat(info.get("startedAt").asLong()).isEqualTo(T0 + 5);
    assertThat(info.get("durationMs").asLong()).isEqualTo(500);
    assertThat(Files.exists(dataDir.resolve("media/calls/call-opus/audio.ogg")))
        .as("the old file is gone")
        .isFalse();
  }

  @Test
  void garbageIsRefusedWith400AndNothingIsStored() throws Exception {
    byte[] random = new byte[20_000];
    new Random(1).nextBytes(random);
    byte[] fakeWav =
        TestAudio.concat("RIFF".getBytes(), new byte[] {0, 1, 0, 0}, "WAVE".getBytes(), random);
    byte[] fakeOgg = TestAudio.concat("OggS".getBytes(), random);
    for (byte[] body : new byte[][] {random, fakeWav, fakeOgg, new byte[0]}) {
      HttpResponse<String> r = put("call-bad", "?startedAt=" + T0, body);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(json(r).has("error")).isTrue();
    }
    byte[] wav = TestAudio.wavPcm16(8_000, TestAudio.tone(8_000, 100, 440, null, null));
    assertThat(put("call-bad", "", wav).statusCode()).as("no startedAt").isEqualTo(400);
    assertThat(put("call-bad", "?startedAt=1700000000", wav).statusCode())
        .as("seconds, not ms")
        .isEqualTo(400);
    assertThat(put("call-bad", "?startedAt=" + T0 + "&format=mp3", wav).statusCode())
        .isEqualTo(400);
    assertThat(put("call-bad", "?startedAt=" + T0 + "&format=ogg", wav).statusCode())
        .as("says ogg, is wav")
        .isEqualTo(400);
    assertThat(put("..", "?startedAt=" + T0, wav).statusCode()).isIn(400, 404);
    assertThat(fx.get("/api/v1/calls/call-bad/audio/info").statusCode()).isEqualTo(404);
    try (var files = Files.list(dataDir.resolve("media/calls/call-bad"))) {
      assertThat(files.toList()).as("temporary files are cleaned up").isEmpty();
    }
    HttpResponse<String> noToken =
        fx.send(
            java.net.http.HttpRequest.newBuilder(
                    URI.create(fx.base + "/api/v1/calls/call-bad/audio?startedAt=" + T0))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(wav)));
    assertThat(noToken.statusCode()).isEqualTo(401);
  }

  @Test
  void tooLargeUploadsGet413() throws Exception {
    byte[] big = TestAudio.wavPcm16(8_000, TestAudio.tone(8_000, 20_000, 440, null, null));
    assertThat(big.length).isGreaterThan(256 * 1024);
    HttpResponse<String> declared = put("call-big", "?startedAt=" + T0, big);
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(json(declared).get("error").asText()).isEqualTo("too_large");
    // without Content-Length (chunked) the limit is enforced while reading
    HttpResponse<String> chunked =
        fx.send(
            fx.api("/api/v1/calls/call-big/audio?startedAt=" + T0)
                .PUT(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))));
    assertThat(chunked.statusCode()).isEqualTo(413);
    assertThat(fx.get("/api/v1/calls/call-big/audio/info").statusCode()).isEqualTo(404);
  }
}
