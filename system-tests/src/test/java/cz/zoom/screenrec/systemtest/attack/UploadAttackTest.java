package cz.zoom.screenrec.systemtest.attack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.format.SegmentHeader;
import cz.zoom.screenrec.format.SegmentWriter;
import cz.zoom.screenrec.systemtest.ProcessGuard;
import cz.zoom.screenrec.testkit.RawControlConnection;
import cz.zoom.screenrec.testkit.ScreenRecApi;
import cz.zoom.screenrec.testkit.ScreenRecApi.Response;
import cz.zoom.screenrec.testkit.ServerProcess;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Attacks on the Media Upload Server and the encoder, replayed as an attacker on the network would:
 * raw control-protocol frames on a plain socket, raw HTTP for the uploads, against a real server
 * process. Each refusal sits next to the upload that must keep working.
 *
 * <p>The server runs under umask 000 (so the files it makes show whether it sets their modes
 * itself), with a 1 MiB quota per recording and 2 s segments (the encoder's margin).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class UploadAttackTest {
  static final Duration WAIT = Duration.ofSeconds(120);
  static final long SEGMENT_MS = 2_000;

  @RegisterExtension static final ProcessGuard processes = new ProcessGuard();

  static ServerProcess server;
  static ScreenRecApi api;

  @BeforeAll
  static void server() {
    server =
        processes.add(
            ServerProcess.builder()
                .umask("000")
                .segmentDurationMs((int) SEGMENT_MS)
                // no heartbeats needed from the raw connections for the length of a test
                .heartbeatIntervalMs(30_000)
                .deadPeerTimeoutMs(120_000)
                .arg("--max-recording-mb", "1")
                // the trickling body below is about the recording's lock; the port would otherwise
                // cut a
                // body that slow off at once (its minimum body rate, HttpAttackTest)
                .arg("--http-min-body-rate", "0")
                .start());
    api = server.api();
  }

  // --- upload tokens die with their recording --------------------------------------------------

  @Test
  void aTokenIsRefusedOnceItsRecordingIsReadyButAStoredSegmentIsStillAcknowledged()
      throws Exception {
    try (Agent alice = Agent.connect("alice-token")) {
      Agent.Started rec = alice.start("token-" + UUID.randomUUID());
      long t0 = System.currentTimeMillis();
      byte[] first = segment(rec.id(), 0, t0, 0xFF0000);
      byte[] second = segment(rec.id(), 1, t0 + SEGMENT_MS, 0x00FF00);
      assertThat(put(rec, 0, first, false).status()).isEqualTo(201);
      alice.end(rec, 2, t0, t0 + 2 * SEGMENT_MS);
      assertThat(put(rec, 1, second, true).status())
          .as("UPLOADING still takes segments")
          .isEqualTo(201);
      api.awaitReady(rec.id(), WAIT);

      Response late = put(rec, 7, segment(rec.id(), 7, t0, 0x0000FF), false);
      assertThat(late.status()).as(late.toString()).isEqualTo(410);
      assertThat(late.json().path("error").asText()).isEqualTo("recording_closed");
      assertThat(put(rec, 1, second, true).status())
          .as("a repeat of a stored segment")
          .isEqualTo(200);
      assertThat(api.recording(rec.id()).segments()).hasSize(2);
    }
  }

  // --- the final count and the quota ------------------------------------------------------------

  @Test
  void indexesAtOrBeyondTheFinalCountAndASecondFinalSegmentAreRefused() throws Exception {
    try (Agent bob = Agent.connect("bob-final")) {
      Agent.Started rec = bob.start("final-" + UUID.randomUUID());
      long t0 = System.currentTimeMillis();
      assertThat(put(rec, 0, segment(rec.id(), 0, t0, 0xFF0000), false).status()).isEqualTo(201);
      assertThat(put(rec, 1, segment(rec.id(), 1, t0 + SEGMENT_MS, 0xFF0000), true).status())
          .isEqualTo(201);
      for (int index : new int[] {2, 1_000}) {
        Response beyond = put(rec, index, segment(rec.id(), index, t0, 0), false);
        assertThat(beyond.status()).as(beyond.toString()).isEqualTo(409);
        assertThat(beyond.json().path("error").asText()).isEqualTo("beyond_final");
      }
      Response secondFinal = put(rec, 0, segment(rec.id(), 0, t0, 0x0000FF), true);
      assertThat(secondFinal.status()).as("a stored index with another body").isEqualTo(409);
      bob.end(rec, 2, t0, t0 + 2 * SEGMENT_MS);
      assertThat(api.awaitReady(rec.id(), WAIT).segments()).hasSize(2);
    }
  }

  @Test
  void aRecordingStoresNoMoreThanItsQuota() throws Exception {
    try (Agent carol = Agent.connect("carol-quota")) {
      Agent.Started rec = carol.start("quota-" + UUID.randomUUID());
      long t0 = System.currentTimeMillis();
      byte[] noise = noisySegment(rec.id(), 0, t0, 1);
      assertThat(noise.length).isBetween(600_000, 1_000_000);
      assertThat(put(rec, 0, noise, false).status()).isEqualTo(201);
      Response over = put(rec, 1, noisySegment(rec.id(), 1, t0 + SEGMENT_MS, 2), false);
      assertThat(over.status()).as(over.toString()).isEqualTo(413);
      assertThat(over.json().path("error").asText()).isEqualTo("quota_exceeded");
      assertThat(put(rec, 1, segment(rec.id(), 1, t0 + SEGMENT_MS, 0), true).status())
          .as("what still fits is taken")
          .isEqualTo(201);
      carol.end(rec, 2, t0, t0 + 2 * SEGMENT_MS);
      assertThat(api.awaitReady(rec.id(), WAIT).segments()).hasSize(2);
    }
  }

  // --- the encoder ------------------------------------------------------------------------------

  @Test
  void aClaimOfSixHoursBecomesAVideoAsLongAsTheCall() throws Exception {
    try (Agent mallory = Agent.connect("mallory-hours")) {
      String callId = "hours-" + UUID.randomUUID();
      long callStart = System.currentTimeMillis();
      Agent.Started rec = mallory.start(callId);
      long now = System.currentTimeMillis();
      long sixHours = 6 * 3_600_000L;
      // a 134-byte-class segment: one tiny frame claiming six hours back, one six hours ahead
      byte[] crafted =
          segment(
              rec.id(),
              0,
              now - sixHours,
              new long[] {now - sixHours, now + sixHours},
              16,
              0xFF0000);
      assertThat(put(rec, 0, crafted, true).status()).isEqualTo(201);
      Thread.sleep(
          3_000); // the call lasts a few seconds (the stimulus, not a wait for a condition)
      mallory.end(rec, 1, now - sixHours, now + sixHours);
      long callEnd = System.currentTimeMillis();

      ScreenRecApi.Recording r = api.awaitReady(rec.id(), WAIT);
      long call = callEnd - callStart;
      assertThat(r.video().durationMs())
          .as("the call lasted %d ms", call)
          .isBetween(call - 1_000, call + 2 * SEGMENT_MS + 1_000);
      assertThat(r.startedAt()).isBetween(callStart - SEGMENT_MS - 1_000, callStart + 1_000);
    }
  }

  // --- one slow body, concurrent bodies ---------------------------------------------------------

  @Test
  void aBodyTricklingInAtAByteASecondDoesNotHoldBackTheRecordingsOtherUploads() throws Exception {
    try (Agent dave = Agent.connect("dave-slow")) {
      Agent.Started rec = dave.start("slow-" + UUID.randomUUID());
      long t0 = System.currentTimeMillis();
      byte[] slow = segment(rec.id(), 1, t0 + SEGMENT_MS, 0x00FF00);
      try (Socket socket =
          server.api().tls().getSocketFactory().createSocket(server.bind(), server.httpPort())) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        URI uri = segmentUri(rec, 1);
        out.write(
            ("PUT "
                    + uri.getRawPath()
                    + " HTTP/1.1\r\nHost: "
                    + uri.getHost()
                    + "\r\nAuthorization: Bearer "
                    + rec.token()
                    + "\r\nX-Segment-Sha256: "
                    + sha256(slow)
                    + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: "
                    + slow.length
                    + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        int sent = 0;
        out.write(slow, sent++, 1);
        out.flush();
        byte[] zero = segment(rec.id(), 0, t0, 0xFF0000);
        byte[] two = segment(rec.id(), 2, t0 + 2 * SEGMENT_MS, 0x0000FF);
        CompletableFuture<Response> first = async(() -> put(rec, 0, zero, false));
        CompletableFuture<Response> third = async(() -> put(rec, 2, two, false));
        long began = System.nanoTime();
        while (!(first.isDone() && third.isDone()) && sent < 30) {
          Thread.sleep(1_000); // the attacker's pace
          out.write(slow, sent++, 1);
          out.flush();
        }
        assertThat(first.isDone() && third.isDone())
            .as("0 and 2 answered while 1 trickles in")
            .isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(20));
        assertThat(first.get().status()).isEqualTo(201);
        assertThat(third.get().status()).isEqualTo(201);
        out.write(slow, sent, slow.length - sent);
        out.flush();
        String status =
            new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                .readLine();
        assertThat(status).startsWith("HTTP/1.1 201");
      }
      assertThat(api.recording(rec.id()).segments())
          .extracting(ScreenRecApi.Segment::index)
          .containsExactly(0, 1, 2);
    }
  }

  @Test
  void concurrentUploadsOfOneIndexStoreExactlyOneBody() throws Exception {
    try (Agent erin = Agent.connect("erin-race")) {
      Agent.Started rec = erin.start("race-" + UUID.randomUUID());
      long t0 = System.currentTimeMillis();
      byte[] red = segment(rec.id(), 0, t0, 0xFF0000);
      byte[] blue = segment(rec.id(), 0, t0, 0x0000FF);
      List<byte[]> bodies = List.of(red, blue, red, blue, red, blue);
      List<CompletableFuture<Response>> answers = new ArrayList<>();
      for (byte[] b : bodies) {
        answers.add(async(() -> put(rec, 0, b, false)));
      }
      List<Integer> statuses = new ArrayList<>();
      for (CompletableFuture<Response> a : answers) {
        statuses.add(a.get(60, TimeUnit.SECONDS).status());
      }
      assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
      byte[] winner = bodies.get(statuses.indexOf(201));
      for (int i = 0; i < bodies.size(); i++) {
        if (i != statuses.indexOf(201)) {
          assertThat(statuses.get(i))
              .as("upload %d", i)
              .isEqualTo(bodies.get(i) == winner ? 200 : 409);
        }
      }
      assertThat(api.recording(rec.id()).segments())
          .singleElement()
          .satisfies(s -> assertThat(s.sha256()).isEqualTo(sha256(winner)));
    }
  }

  // --- files on disk ----------------------------------------------------------------------------

  @AfterAll
  static void everythingTheServerWroteIsOwnerOnlyWhateverTheUmask() throws Exception {
    // the tests above left segments, videos and thumbnails; the server made its token and database;
    // a call's audio adds the files of the audio intake
    Response audio =
        api.sendBytes(
            "PUT",
            api.resolve(
                "/api/v1/calls/audio-"
                    + UUID.randomUUID()
                    + "/audio?startedAt="
                    + System.currentTimeMillis()
                    + "&format=wav"),
            HttpRequest.BodyPublishers.ofByteArray(silentWav(16_000)),
            api.token(),
            Map.of("Content-Type", "audio/wav"));
    assertThat(audio.status()).as(audio.toString()).isIn(200, 201);
    // the video and the poster are made when first asked for
    try (Agent alice = Agent.connect("alice-token")) {
      Agent.Started rec = alice.start("files-" + UUID.randomUUID());
      long t0 = System.currentTimeMillis();
      byte[] only = segment(rec.id(), 0, t0, 0x336699);
      alice.end(rec, 1, t0, t0 + SEGMENT_MS);
      assertThat(put(rec, 0, only, true).status()).isEqualTo(201);
      api.awaitReady(rec.id(), WAIT);
      assertThat(api.video(rec.id(), null).status()).isEqualTo(200);
      assertThat(api.thumbnail(rec.id()).status()).isEqualTo(200);
    }
    Path data = server.dataDir();
    assertThat(Files.exists(data.resolve("media"))).isTrue();
    List<String> open = new ArrayList<>();
    try (Stream<Path> all = Files.walk(data)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        boolean dir = Files.isDirectory(p);
        // H2 may add files to its 0700 directory later (trace, temporary); only that directory
        // guards those
        boolean laterH2File =
            !dir
                && p.getParent().equals(data.resolve("db"))
                && !p.getFileName().toString().endsWith(".mv.db");
        if (!mode.equals(dir ? "rwx------" : "rw-------") && !laterH2File) {
          open.add(data.relativize(p) + " " + mode);
        }
      }
    }
    assertThat(open).as("files or directories readable by others").isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(data.resolve("db"))))
        .isEqualTo("rwx------");
    try (Stream<Path> videos = Files.walk(data.resolve("media"))) {
      assertThat(videos.map(p -> p.getFileName().toString()))
          .contains("video.webm", "thumbnail.jpg", "000000.seg", "audio.wav");
    }
  }

  // --- helpers ----------------------------------------------------------------------------------

  static Response put(Agent.Started rec, int index, byte[] body, boolean last) {
    return api.sendBytes(
        "PUT",
        segmentUri(rec, index),
        HttpRequest.BodyPublishers.ofByteArray(body),
        rec.token(),
        last
            ? Map.of("X-Segment-Sha256", sha256(body), "X-Segment-Final", "true")
            : Map.of("X-Segment-Sha256", sha256(body)));
  }

  static URI segmentUri(Agent.Started rec, int index) {
    return URI.create(
        rec.uploadUrl().replaceAll("/$", "") + "/recordings/" + rec.id() + "/segments/" + index);
  }

  static <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, Executors.newSingleThreadExecutor());
  }

  static byte[] segment(String id, int index, long startedAt, int rgb) throws Exception {
    return segment(
        id, index, startedAt, new long[] {startedAt, startedAt + SEGMENT_MS / 2}, 64, rgb);
  }

  static byte[] segment(String id, int index, long startedAt, long[] frameTimes, int size, int rgb)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int[] pixels = new int[size * size];
    Arrays.fill(pixels, rgb);
    try (SegmentWriter w =
        new SegmentWriter(
            bytes,
            new SegmentHeader(
                id, index, startedAt, List.of(new ScreenLayout(0, 0, 0, size, size))))) {
      for (long t : frameTimes) {
        w.writeFrame(0, t, pixels, false);
      }
      w.close(frameTimes[frameTimes.length - 1]);
    }
    return bytes.toByteArray();
  }

  /** One frame of noise, which no compression shrinks: about 700 KB. */
  static byte[] noisySegment(String id, int index, long startedAt, long seed) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (SegmentWriter w =
        new SegmentWriter(
            bytes,
            new SegmentHeader(
                id, index, startedAt, List.of(new ScreenLayout(0, 0, 0, 480, 480))))) {
      w.writeFrame(0, startedAt, new Random(seed).ints(480 * 480).toArray(), false);
      w.close(startedAt + SEGMENT_MS);
    }
    return bytes.toByteArray();
  }

  /** One second of 16-bit mono PCM silence as a WAV file. */
  static byte[] silentWav(int rate) {
    int data = rate * 2;
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(44 + data).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII))
        .putInt(36 + data)
        .put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII))
        .putInt(16)
        .putShort((short) 1)
        .putShort((short) 1)
        .putInt(rate)
        .putInt(rate * 2)
        .putShort((short) 2)
        .putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(data);
    return b.array();
  }

  static String sha256(byte[] body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A capture client spoken frame by frame on a raw socket; it records nothing by itself. */
  static final class Agent implements AutoCloseable {
    static final Duration READ = Duration.ofSeconds(30);
    private final RawControlConnection conn;
    private final String name;

    record Started(String id, String callId, String uploadUrl, String token) {}

    private Agent(RawControlConnection conn, String name) {
      this.conn = conn;
      this.name = name;
    }

    static Agent connect(String name) throws Exception {
      RawControlConnection c = server.rawConnection();
      c.sendJson(
          "{\"type\":\"HELLO\",\"protocolVersion\":2,\"agent\":\""
              + name
              + "\",\"machine\":\"attacker\","
              + "\"screens\":[{\"id\":0,\"x\":0,\"y\":0,\"width\":64,\"height\":64}],\"clientTime\":"
              + System.currentTimeMillis()
              + "}");
      JsonNode welcome = c.readFrame(READ);
      assertThat(welcome.path("type").asText()).as(String.valueOf(welcome)).isEqualTo("WELCOME");
      api.awaitAgent(name, READ);
      return new Agent(c, name);
    }

    /** Starts a call for this agent through the REST API and acknowledges the START it brings. */
    Started start(String callId) throws Exception {
      CompletableFuture<ScreenRecApi.Call> call = async(() -> api.startCall(callId, name));
      JsonNode start = next("START");
      conn.sendJson("{\"type\":\"ACK\",\"seq\":" + start.get("seq").asLong() + ",\"ok\":true}");
      assertThat(call.get(30, TimeUnit.SECONDS).recordingId())
          .isEqualTo(start.get("recordingId").asText());
      return new Started(
          start.get("recordingId").asText(),
          callId,
          start.get("uploadUrl").asText(),
          start.get("uploadToken").asText());
    }

    /** Ends the call, acknowledges STOP and reports the recording stopped with these claims. */
    void end(Started rec, int segments, long startedAt, long endedAt) throws Exception {
      CompletableFuture<ScreenRecApi.Call> ended = async(() -> api.endCall(rec.callId()));
      JsonNode stop = next("STOP");
      conn.sendJson("{\"type\":\"ACK\",\"seq\":" + stop.get("seq").asLong() + ",\"ok\":true}");
      conn.sendJson(
          "{\"type\":\"RECORDING_STOPPED\",\"recordingId\":\""
              + rec.id()
              + "\",\"segmentCount\":"
              + segments
              + ",\"startedAt\":"
              + startedAt
              + ",\"endedAt\":"
              + endedAt
              + ",\"reason\":\"stopped by server\"}");
      ended.get(30, TimeUnit.SECONDS);
    }

    private JsonNode next(String type) {
      while (true) {
        JsonNode m = conn.readFrame(READ);
        assertThat(m).as("connection of " + name + " closed while waiting for " + type).isNotNull();
        if (type.equals(m.path("type").asText())) {
          return m;
        }
      }
    }

    @Override
    public void close() {
      conn.close();
    }
  }
}
