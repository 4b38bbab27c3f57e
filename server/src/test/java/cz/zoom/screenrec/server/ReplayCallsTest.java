package cz.zoom.screenrec.server;

import static cz.zoom.screenrec.server.ReplayClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.server.config.ServerConfig;
import cz.zoom.screenrec.server.http.Json;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import cz.zoom.screenrec.trust.Evidence;
import cz.zoom.screenrec.trust.VerifyMain;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ShortBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay's call API over real sockets: a recording and the call's audio merged by absolute
 * time, media served with Range, thumbnails, export, and the same across two clusters.
 */
class ReplayCallsTest {
  static final String ADMIN = "admin-secret-1";
  static final int RED = 0xFF0000;
  static final int GREEN = 0x00FF00;
  @TempDir Path dirA;
  @TempDir Path dirB;
  @TempDir Path work;
  final List<ServerFixture> fixtures = new ArrayList<>();

  /** A server's settings; the PostgreSQL subclass gives each server its own database. */
  ServerConfig.Builder base() throws Exception {
    return ServerConfig.builder();
  }

  ServerFixture start(Path dir, ServerConfig.Builder b) throws Exception {
    // the test's agent sends no heartbeats; a loaded machine must not make the server drop it
    ServerFixture fx =
        new ServerFixture(
            dir, b.heartbeatIntervalMs(3_000).deadPeerTimeoutMs(120_000).adminPassword(ADMIN));
    fixtures.add(fx);
    return fx;
  }

  @AfterEach
  void stop() {
    fixtures.forEach(ServerFixture::close);
  }

  HttpResponse<String> putAudio(ServerFixture fx, String callId, long startedAt, byte[] wav)
      throws Exception {
    return fx.send(
        fx.api("/api/v1/calls/" + callId + "/audio?startedAt=" + startedAt)
            .PUT(HttpRequest.BodyPublishers.ofByteArray(wav)));
  }

  /**
   * The call's audio is sealed when stored, and the export carries evidence naming its file and
   * holding its sources' evidence; both verify offline, and one changed byte of the export fails.
   */
  private void checkEvidence(
      ServerFixture fx, ReplayClient browser, JsonNode done, Path exported, String id, byte[] wav)
      throws Exception {
    X509Certificate ca = ServerFixture.ca(dirA);
    HttpResponse<String> audioEvidence = fx.get("/api/v1/calls/call-1/audio/evidence");
    assertThat(audioEvidence.statusCode()).as(audioEvidence.body()).isEqualTo(200);
    Path stored = Files.write(work.resolve("audio.wav"), wav);
    assertThat(
            Evidence.check(
                audioEvidence.body().getBytes(StandardCharsets.UTF_8),
                ca,
                Map.of("audio.wav", stored)))
        .isEmpty();

    String url = done.get("evidenceUrl").asText();
    HttpResponse<byte[]> sealed = browser.getBytes(url, null);
    assertThat(sealed.statusCode()).isEqualTo(200);
    assertThat(sealed.headers().firstValue("Content-Disposition").orElse(""))
        .contains("call-call-1.evidence.json");
    JsonNode m = Json.MAPPER.readTree(Json.MAPPER.readTree(sealed.body()).get("manifest").asText());
    assertThat(m.get("kind").asText()).isEqualTo("export");
    assertThat(m.get("export").get("file").asText()).isEqualTo("call-call-1.webm");
    List<String> sources = new ArrayList<>();
    m.get("sources").forEach(s -> sources.add(s.get("kind").asText() + " " + s.get("id").asText()));
    assertThat(sources).containsExactly("recording " + id, "audio call-1");

    Path evidence = Files.write(work.resolve("call-call-1.evidence.json"), sealed.body());
    Path given = Files.copy(exported, work.resolve("call-call-1.webm"));
    String[] verify = {
      "--ca", dirA.resolve("tls/ca.pem").toString(), evidence.toString(), given.toString()
    };
    assertThat(VerifyMain.run(verify)).isZero();
    byte[] bytes = Files.readAllBytes(given);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(given, bytes);
    assertThat(Evidence.check(sealed.body(), ca, Map.of("call-call-1.webm", given)))
        .singleElement()
        .asString()
        .startsWith("call-call-1.webm: SHA-256");
    assertThat(VerifyMain.run(verify)).isEqualTo(1);
  }

  /** A thumbnail: 503 (at once) while the server makes the recording's thumbnails, then 200. */
  static HttpResponse<byte[]> thumbnail(ReplayClient browser, String url) throws Exception {
    return once(browser, url, 503);
  }

  /** A video: 202 (at once) while the server encodes it on this first request, then 200. */
  static HttpResponse<byte[]> video(ReplayClient browser, String url) throws Exception {
    return once(browser, url, 202);
  }

  private static HttpResponse<byte[]> once(ReplayClient browser, String url, int meanwhile) {
    List<HttpResponse<byte[]>> last = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              HttpResponse<byte[]> r = browser.getBytes(url, null);
              assertThat(r.statusCode()).isIn(200, meanwhile);
              last.add(0, r);
              return r.statusCode() == 200;
            });
    return last.get(0);
  }

  @Test
  void aCallsScreenAndAudioArePlacedByAbsoluteTimeAndExportedAsOneFile() throws Exception {
    ServerFixture fx = start(dirA, base());
    long t0 = System.currentTimeMillis();
    JsonNode rec = RecordedCalls.record(fx, "alice", "call-1", t0, RED, GREEN);
    String id = rec.get("id").asText();
    long screenStart = rec.get("startedAt").asLong();
    // audio starts a second before the screen and goes on two seconds after it; it beeps
    // during the screen's first second only
    long audioStart = screenStart - 1_000;
    byte[] wav = TestAudio.wavPcm16(8_000, TestAudio.tone(8_000, 7_000, 440, 1_000L, 2_000L));
    assertThat(putAudio(fx, "call-1", audioStart, wav).statusCode()).isEqualTo(201);

    ReplayClient browser = new ReplayClient(fx).loggedIn("admin", ADMIN);
    HttpResponse<String> r = browser.get("/replay/api/calls/call-1");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode call = json(r);
    assertThat(call.get("callId").asText()).isEqualTo("call-1");
    assertThat(call.get("agent").asText()).isEqualTo("alice");
    assertThat(call.get("startedAt").asLong()).isEqualTo(audioStart);
    assertThat(call.get("endedAt").asLong()).isEqualTo(audioStart + 7_000);
    JsonNode screen = call.get("screen").get(0);
    assertThat(screen.get("recordingId").asText()).isEqualTo(id);
    assertThat(screen.get("clusterId").asText()).isEqualTo("default");
    assertThat(screen.get("startedAt").asLong()).isEqualTo(screenStart);
    assertThat(screen.get("endedAt").asLong()).isEqualTo(screenStart + 4_000);
    assertThat(screen.get("durationMs").asLong())
        .isEqualTo(rec.get("video").get("durationMs").asLong());
    assertThat(screen.get("videoUrl").asText())
        .isEqualTo("/replay/media/default/recordings/" + id + "/video");
    assertThat(screen.get("gaps")).isEmpty();
    assertThat(screen.get("parts")).hasSize(1);
    assertThat(screen.get("screens").get(0).toString())
        .isEqualTo("{\"id\":0,\"x\":0,\"y\":0,\"width\":320,\"height\":240}");
    JsonNode audio = call.get("audio").get(0);
    assertThat(audio.get("startedAt").asLong()).isEqualTo(audioStart);
    assertThat(audio.get("durationMs").asLong()).isEqualTo(7_000);
    assertThat(audio.get("contentType").asText()).isEqualTo("audio/wav");
    assertThat(audio.get("url").asText()).isEqualTo("/replay/media/default/calls/call-1/audio");

    // what the player plays: the capture segments as stored
    JsonNode segments = screen.get("segments");
    assertThat(segments).hasSize(2);
    for (int i = 0; i < 2; i++) {
      JsonNode sg = segments.get(i);
      assertThat(sg.get("url").asText())
          .isEqualTo("/replay/media/default/recordings/" + id + "/segments/" + i);
      assertThat(sg.get("startedAt").asLong()).isEqualTo(screenStart + i * 2_000L);
      assertThat(browser.getBytes(sg.get("url").asText(), null).body())
          .isEqualTo(
              Files.readAllBytes(
                  dirA.resolve("media").resolve(id).resolve("segments/00000" + i + ".seg")));
    }
    assertThat(screen.get("clockOffsetMs").asLong()).isEqualTo(rec.get("clockOffsetMs").asLong());
    String base = "/replay/media/default/recordings/" + id + "/segments/";
    assertThat(browser.getBytes(base + "7", null).statusCode()).isEqualTo(404);
    assertThat(browser.getBytes(base + "-1", null).statusCode()).isEqualTo(400);
    assertThat(browser.getBytes(base + "99999999999", null).statusCode()).isEqualTo(400);

    HttpResponse<byte[]> whole = video(browser, screen.get("videoUrl").asText());
    assertThat(whole.headers().firstValue("Content-Type")).hasValue("video/webm");
    HttpResponse<byte[]> part = browser.getBytes(screen.get("videoUrl").asText(), "bytes=100-199");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 100, 200));
    assertThat(browser.getBytes(audio.get("url").asText(), null).body()).isEqualTo(wav);
    assertThat(browser.getBytes(screen.get("thumbnailUrl").asText(), null).statusCode())
        .isEqualTo(200);

    JsonNode thumbs = json(browser.get(screen.get("thumbnailsUrl").asText()));
    assertThat(thumbs).hasSize(1);
    assertThat(thumbs.get(0).get("at").asLong()).isZero();
    HttpResponse<byte[]> jpeg = thumbnail(browser, thumbs.get(0).get("url").asText());
    assertThat(jpeg.headers().firstValue("Content-Type")).hasValue("image/jpeg");
    assertThat(
            browser.get("/replay/media/default/recordings/" + id + "/thumbnails/5000").statusCode())
        .isEqualTo(404);

    JsonNode found = json(browser.get("/replay/api/calls?agent=alice"));
    assertThat(found).hasSize(1);
    assertThat(found.get(0).get("callId").asText()).isEqualTo("call-1");
    assertThat(found.get(0).get("hasScreen").asBoolean()).isTrue();
    assertThat(found.get(0).get("hasAudio").asBoolean()).isTrue();
    assertThat(found.get(0).get("startedAt").asLong()).isEqualTo(audioStart);
    assertThat(json(browser.get("/replay/api/calls?callId=call-1"))).hasSize(1);
    assertThat(json(browser.get("/replay/api/calls?from=" + (t0 + 3_600_000)))).isEmpty();
    assertThat(json(browser.get("/replay/api/calls?to=" + (t0 - 3_600_000)))).isEmpty();
    assertThat(browser.get("/replay/api/calls/call-unknown").statusCode()).isEqualTo(404);

    // export: one file, screen and audio where they were in time
    HttpResponse<String> started = browser.post("/replay/api/calls/call-1/export", "{}");
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String exportId = json(started).get("exportId").asText();
    List<Double> progress = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .until(
            () -> {
              JsonNode s = json(browser.get("/replay/api/exports/" + exportId));
              progress.add(s.get("progress").asDouble());
              return !s.get("state").asText().equals("RUNNING");
            });
    JsonNode done = json(browser.get("/replay/api/exports/" + exportId));
    assertThat(done.get("state").asText()).as(done.toString()).isEqualTo("DONE");
    assertThat(done.get("progress").asDouble()).isEqualTo(1.0);
    assertThat(progress).isSorted().allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
    HttpResponse<byte[]> file = browser.getBytes("/replay/api/exports/" + exportId + "/file", null);
    assertThat(file.statusCode()).isEqualTo(200);
    assertThat(file.headers().firstValue("Content-Disposition").orElse("")).contains("call-1.webm");
    Path exported = work.resolve("export.webm");
    Files.write(exported, file.body());
    checkEvidence(fx, browser, done, exported, id, wav);
    VideoProbe.Info info = VideoProbe.probe(exported);
    assertThat(info.durationMs()).isBetween(6_900L, 7_100L);
    try (VideoProbe v = VideoProbe.open(exported)) {
      assertThat(v.meanRgbAt(500, 0, 0, 320, 240))
          .as("before the screen starts: black")
          .satisfies(c -> near(c, 0));
      assertThat(v.meanRgbAt(1_500, 0, 0, 320, 240)).satisfies(c -> near(c, RED));
      assertThat(v.meanRgbAt(3_500, 0, 0, 320, 240)).satisfies(c -> near(c, GREEN));
      assertThat(v.meanRgbAt(5_500, 0, 0, 320, 240))
          .as("after the screen ends: black")
          .satisfies(c -> near(c, 0));
    }
    double[] rms = audioRms(exported, 7);
    assertThat(rms[0]).as("0-1 s: silence").isLessThan(300);
    assertThat(rms[1]).as("1-2 s: the beep").isGreaterThan(5_000);
    assertThat(rms[2]).as("2-3 s: silence").isLessThan(300);
    assertThat(rms[6]).as("6-7 s: the audio's end, silence").isLessThan(300);

    // someone else's export is not theirs to see
    assertThat(
            browser
                .post("/replay/api/users", "{\"username\":\"rita\",\"password\":\"rita-password\"}")
                .statusCode())
        .isEqualTo(201);
    ReplayClient rita = new ReplayClient(fx).loggedIn("rita", "rita-password");
    assertThat(rita.get("/replay/api/exports/" + exportId).statusCode()).isEqualTo(404);
    assertThat(rita.get("/replay/api/exports/" + exportId + "/file").statusCode()).isEqualTo(404);
    assertThat(rita.get("/replay/api/exports/" + exportId + "/evidence").statusCode())
        .isEqualTo(404);

    List<String> audit = new ArrayList<>();
    json(browser.get("/replay/api/audit"))
        .forEach(
            e ->
                audit.add(
                    e.get("action").asText()
                        + " "
                        + e.path("username").asText()
                        + " "
                        + e.path("callId").asText()));
    assertThat(audit).contains("REPLAY admin call-1", "EXPORT admin call-1");
  }

  @Test
  void screenFromClusterBPlaysWithAudioFromClusterA() throws Exception {
    ServerFixture b = start(dirB, base().clusterId("cluster-b"));
    ServerFixture a =
        start(
            b.sharingCa(dirA),
            base()
                .clusterId("cluster-a")
                .peerTimeoutMs(2_000)
                .peerCluster(b.base + "=" + ServerFixture.TOKEN));
    long t0 = System.currentTimeMillis();
    JsonNode rec = RecordedCalls.record(b, "bob", "call-x", t0, RED, GREEN);
    String id = rec.get("id").asText();
    long screenStart = rec.get("startedAt").asLong();
    long audioStart = screenStart + 500;
    assertThat(
            putAudio(
                    a,
                    "call-x",
                    audioStart,
                    TestAudio.wavMulaw(8_000, TestAudio.tone(8_000, 3_000, 440, null, null)))
                .statusCode())
        .isEqualTo(201);

    ReplayClient browser = new ReplayClient(a).loggedIn("admin", ADMIN);
    JsonNode call = json(browser.get("/replay/api/calls/call-x"));
    assertThat(call.get("agent").asText()).isEqualTo("bob");
    assertThat(call.get("startedAt").asLong()).isEqualTo(screenStart);
    assertThat(call.get("endedAt").asLong()).isEqualTo(screenStart + 4_000);
    assertThat(call.get("unavailable")).isEmpty();
    JsonNode screen = call.get("screen").get(0);
    assertThat(screen.get("clusterId").asText()).isEqualTo("cluster-b");
    assertThat(screen.get("startedAt").asLong()).isEqualTo(screenStart);
    assertThat(screen.get("videoUrl").asText())
        .isEqualTo("/replay/media/cluster-b/recordings/" + id + "/video");
    JsonNode audio = call.get("audio").get(0);
    assertThat(audio.get("clusterId").asText()).isEqualTo("cluster-a");
    assertThat(audio.get("startedAt").asLong()).isEqualTo(audioStart);
    assertThat(audio.get("durationMs").asLong()).isEqualTo(3_000);

    // A serves B's segments, and its video once B has encoded it, ranges and all
    JsonNode segment = screen.get("segments").get(0);
    assertThat(segment.get("url").asText())
        .isEqualTo("/replay/media/cluster-b/recordings/" + id + "/segments/0");
    assertThat(browser.getBytes(segment.get("url").asText(), null).body())
        .isEqualTo(
            b.http
                .send(
                    b.api("/api/v1/recordings/" + id + "/segments/0").GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body());
    HttpResponse<byte[]> proxied = video(browser, screen.get("videoUrl").asText());
    HttpResponse<byte[]> direct =
        b.http.send(
            b.api("/api/v1/recordings/" + id + "/video").GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(direct.statusCode()).isEqualTo(200);
    assertThat(proxied.body()).isEqualTo(direct.body());
    assertThat(proxied.headers().firstValue("Content-Type")).hasValue("video/webm");
    HttpResponse<byte[]> range = browser.getBytes(screen.get("videoUrl").asText(), "bytes=10-109");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Range"))
        .hasValue("bytes 10-109/" + direct.body().length);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(direct.body(), 10, 110));
    assertThat(browser.getBytes(screen.get("videoUrl").asText(), "bytes=999999999-").statusCode())
        .isEqualTo(416);
    JsonNode thumbs = json(browser.get(screen.get("thumbnailsUrl").asText()));
    assertThat(thumbs).hasSize(1);
    thumbnail(browser, thumbs.get(0).get("url").asText());
    assertThat(
            browser
                .getBytes("/replay/media/cluster-z/recordings/" + id + "/video", null)
                .statusCode())
        .isEqualTo(404);

    JsonNode found = json(browser.get("/replay/api/calls?callId=call-x"));
    assertThat(found).hasSize(1);
    assertThat(found.get(0).get("hasScreen").asBoolean()).isTrue();
    assertThat(found.get(0).get("hasAudio").asBoolean()).isTrue();
    assertThat(found.get(0).get("clusters"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("cluster-a", "cluster-b");
    assertThat(json(browser.get("/replay/api/calls?agent=bob"))).hasSize(1);

    // export on A pulls B's video
    String exportId =
        json(browser.post("/replay/api/calls/call-x/export", "")).get("exportId").asText();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !json(browser.get("/replay/api/exports/" + exportId))
                    .get("state")
                    .asText()
                    .equals("RUNNING"));
    assertThat(json(browser.get("/replay/api/exports/" + exportId)).get("state").asText())
        .isEqualTo("DONE");
    Path exported = work.resolve("x.webm");
    Files.write(
        exported, browser.getBytes("/replay/api/exports/" + exportId + "/file", null).body());
    assertThat(VideoProbe.probe(exported).durationMs()).isBetween(3_900L, 4_100L);
    try (VideoProbe v = VideoProbe.open(exported)) {
      assertThat(v.meanRgbAt(1_000, 0, 0, 320, 240)).satisfies(c -> near(c, RED));
    }

    // a dead peer leaves its media out, and the page still works
    b.close();
    fixtures.remove(b);
    HttpResponse<String> partial = browser.get("/replay/api/calls/call-x");
    assertThat(partial.statusCode()).isEqualTo(200);
    assertThat(json(partial).get("screen")).isEmpty();
    assertThat(json(partial).get("audio")).hasSize(1);
    assertThat(json(partial).get("unavailable").get(0).asText()).isEqualTo(b.base);
    HttpResponse<byte[]> gone = browser.getBytes(screen.get("videoUrl").asText(), "bytes=0-99");
    assertThat(gone.statusCode()).isEqualTo(502);
    assertThat(json(browser.get("/replay/api/calls?callId=call-x"))).hasSize(1);
  }

  @Test
  void monitorsAreWhereTheVideoShowsThemEvenForARecordingEncodedBeforeLayoutsWereStored()
      throws Exception {
    ServerConfig.Builder config = base();
    ServerFixture fx = start(dirA, config);
    long t0 = System.currentTimeMillis();
    // a client that knows no monitor positions: both at 0,0, so the video shows them side by side
    List<ScreenLayout> screens =
        List.of(new ScreenLayout(0, 0, 0, 320, 240), new ScreenLayout(1, 0, 0, 320, 240));
    String id =
        RecordedCalls.record(
                fx,
                "alice",
                "call-1",
                t0,
                2,
                (rid, i) ->
                    RecordingFlowTest.segment(
                        rid, i, t0 + i * RecordedCalls.SEGMENT_MS, RED, screens))
            .get("id")
            .asText();
    String sideBySide =
        "[{\"id\":0,\"x\":0,\"y\":0,\"width\":320,\"height\":240},"
            + "{\"id\":1,\"x\":320,\"y\":0,\"width\":320,\"height\":240}]";
    assertThat(screensOf(fx, "call-1")).isEqualTo(sideBySide);

    // what a server that did not store layouts left behind
    fx.close();
    fixtures.remove(fx);
    ServerConfig c = config.build();
    try (Connection db = DriverManager.getConnection(c.dbUrl(), c.dbUser(), c.dbPassword());
        Statement st = db.createStatement()) {
      assertThat(st.executeUpdate("DELETE FROM recording_layout")).isEqualTo(2);
    }
    fx = start(dirA, config);
    assertThat(screensOf(fx, "call-1")).isEqualTo(sideBySide);
    LocalMediaStore media = new LocalMediaStore(c.mediaDir());
    Files.delete(media.segmentPath(id, 0));
    Files.delete(media.segmentPath(id, 1));
    assertThat(screensOf(fx, "call-1")).as("stored once read").isEqualTo(sideBySide);
  }

  static String screensOf(ServerFixture fx, String callId) throws Exception {
    ReplayClient browser = new ReplayClient(fx).loggedIn("admin", ADMIN);
    HttpResponse<String> r = browser.get("/replay/api/calls/" + callId);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json(r).get("screen").get(0).get("screens").toString();
  }

  @Test
  void missingSegmentsAndRecordedPausesAreGapsOfTheirKind() throws Exception {
    ServerFixture fx = start(dirA, base().uploadGraceMs(1_000));
    long t0 = System.currentTimeMillis();
    JsonNode rec =
        RecordedCalls.record(
            fx,
            "carol",
            "call-g",
            t0,
            3,
            (id, i) ->
                switch (i) {
                  case 0 -> RecordingFlowTest.segment(id, 0, t0, RED);
                  case 2 -> pausedSegment(id, 2, t0 + 4_000);
                  default -> null;
                });
    long offset = rec.get("startedAt").asLong() - t0;
    ReplayClient browser = new ReplayClient(fx).loggedIn("admin", ADMIN);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                json(browser.get("/replay/api/calls/call-g"))
                        .get("screen")
                        .get(0)
                        .get("gaps")
                        .size()
                    == 2);
    JsonNode gaps = json(browser.get("/replay/api/calls/call-g")).get("screen").get(0).get("gaps");
    assertThat(gaps.get(0).get("reason").asText()).isEqualTo("MISSING");
    assertThat(gaps.get(0).get("from").asLong()).isEqualTo(t0 + offset + 2_000);
    assertThat(gaps.get(0).get("to").asLong()).isEqualTo(t0 + offset + 4_000);
    assertThat(gaps.get(0).get("fromIndex").asInt()).isEqualTo(1);
    assertThat(gaps.get(1).get("reason").asText()).isEqualTo("PAUSED");
    assertThat(gaps.get(1).get("from").asLong()).isEqualTo(t0 + offset + 4_400);
    assertThat(gaps.get(1).get("to").asLong()).isEqualTo(t0 + offset + 5_200);
  }

  /** Green, with a pause from 0.4 s to 1.2 s into the segment. */
  static byte[] pausedSegment(String recordingId, int index, long startedAt) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int[] pixels = new int[320 * 240];
    Arrays.fill(pixels, GREEN);
    try (cz.zoom.screenrec.format.SegmentWriter w =
        new cz.zoom.screenrec.format.SegmentWriter(
            bytes,
            new cz.zoom.screenrec.format.SegmentHeader(
                recordingId,
                index,
                startedAt,
                List.of(new cz.zoom.screenrec.format.ScreenLayout(0, 0, 0, 320, 240))))) {
      w.writeFrame(0, startedAt, pixels, false);
      w.writeFrame(0, startedAt + 200, pixels, false);
      w.writeGap(startedAt + 400, startedAt + 1_200, cz.zoom.screenrec.format.GapReason.PAUSED);
      for (long t = 1_200; t < 2_000; t += 200) {
        w.writeFrame(0, startedAt + t, pixels, false);
      }
      w.close(startedAt + 2_000);
    }
    return bytes.toByteArray();
  }

  static void near(int rgb, int expected) {
    for (int shift = 0; shift <= 16; shift += 8) {
      assertThat(Math.abs((rgb >> shift & 0xFF) - (expected >> shift & 0xFF)))
          .as("colour %06x vs %06x", rgb, expected)
          .isLessThan(40);
    }
  }

  /** RMS of the decoded audio per second, at 48 kHz mono 16-bit. */
  static double[] audioRms(Path file, int seconds) throws Exception {
    double[] sum = new double[seconds];
    long[] n = new long[seconds];
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.setSampleRate(48_000);
      g.setAudioChannels(1);
      g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      g.start();
      long index = 0;
      for (Frame f = g.grabSamples(); f != null; f = g.grabSamples()) {
        ShortBuffer s = (ShortBuffer) f.samples[0];
        while (s.hasRemaining()) {
          int sec = (int) (index++ / 48_000);
          short v = s.get();
          if (sec < seconds) {
            sum[sec] += (double) v * v;
            n[sec]++;
          }
        }
      }
    }
    double[] rms = new double[seconds];
    for (int i = 0; i < seconds; i++) {
      rms[i] = n[i] == 0 ? 0 : Math.sqrt(sum[i] / n[i]);
    }
    return rms;
  }
}
