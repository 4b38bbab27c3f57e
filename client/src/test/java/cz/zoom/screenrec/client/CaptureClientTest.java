package cz.zoom.screenrec.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import cz.zoom.screenrec.client.capture.Recorder;
import cz.zoom.screenrec.client.control.ConnectionState;
import cz.zoom.screenrec.client.control.ReconnectPolicy;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.testing.FakeControlServer;
import cz.zoom.screenrec.client.testing.FakeMus;
import cz.zoom.screenrec.client.testing.PaintedScreenSource;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.protocol.Ack;
import cz.zoom.screenrec.protocol.CaptureSettings;
import cz.zoom.screenrec.protocol.Configure;
import cz.zoom.screenrec.protocol.ErrorCode;
import cz.zoom.screenrec.protocol.ErrorMessage;
import cz.zoom.screenrec.protocol.Heartbeat;
import cz.zoom.screenrec.protocol.Hello;
import cz.zoom.screenrec.protocol.Limits;
import cz.zoom.screenrec.protocol.Pause;
import cz.zoom.screenrec.protocol.RecordingStopped;
import cz.zoom.screenrec.protocol.Start;
import cz.zoom.screenrec.protocol.Stop;
import cz.zoom.screenrec.protocol.UploadGrant;
import cz.zoom.screenrec.protocol.Welcome;
import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole client against a control server and an upload server on real sockets. */
class CaptureClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path spoolDir;
  private final List<AutoCloseable> closeAfter = new ArrayList<>();
  private FakeMus mus;
  private FakeControlServer server;
  private PaintedScreenSource screens;

  @BeforeEach
  void setUp() throws Exception {
    mus = new FakeMus();
    server = new FakeControlServer(mus.uploadUrl());
    screens = PaintedScreenSource.twoScreens();
    closeAfter.add(mus);
    closeAfter.add(server);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeAfter.size() - 1; i >= 0; i--) {
      closeAfter.get(i).close();
    }
  }

  private CaptureClient.Builder client(String... hosts) {
    List<ServerAddress> addresses = new ArrayList<>();
    for (String h : hosts) {
      addresses.add(ServerAddress.parse(h));
    }
    return CaptureClient.builder(new ClientConfig("alice", addresses, spoolDir), screens)
        .tls(DesktopTls.plaintext()) // the in-process servers here speak in clear
        .identity(new ClientIdentity("alice", "desk-1", "test"))
        .reconnectPolicy(
            new ReconnectPolicy(
                Duration.ofMillis(50),
                Duration.ofMillis(200),
                0.2,
                Duration.ofSeconds(30),
                new Random(1)))
        .connectTimeout(Duration.ofSeconds(1))
        .uploadRetry(Duration.ofMillis(100), Duration.ofMillis(400))
        .uploadPoll(Duration.ofMillis(200));
  }

  private CaptureClient started(CaptureClient.Builder builder) throws Exception {
    CaptureClient c = builder.build();
    closeAfter.add(c);
    return c.start();
  }

  private Start start(long seq, String recordingId) {
    return new Start(
        seq, recordingId, "call-" + seq, mus.uploadUrl(), "token-" + recordingId, null);
  }

  @Test
  void saysHelloAndReportsTheClockOffsetInHeartbeats() throws Exception {
    server.clockOffset(5_000);
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);

    Hello hello = conn.expect(Hello.class, WAIT);
    assertThat(hello.agent()).isEqualTo("alice");
    assertThat(hello.machine()).isEqualTo("desk-1");
    assertThat(hello.clientVersion()).isEqualTo("test");
    assertThat(hello.protocolVersion()).isEqualTo(Limits.PROTOCOL_VERSION);
    assertThat(hello.screens()).hasSize(2);
    assertThat(hello.screens().get(1).x()).isEqualTo(130);
    assertThat(hello.activeRecording()).isNull();

    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    Heartbeat first = conn.expect(Heartbeat.class, WAIT);
    assertThat(first.roundTripMs()).isEqualTo(-1);
    Heartbeat later = conn.expect(Heartbeat.class, WAIT);
    assertThat(later.seq()).isGreaterThan(first.seq());
    // the fake server's clock is 5 s ahead; it read it somewhere within the round trip, so the
    // estimate is off by at most half of it (plus millisecond rounding)
    assertThat(later.roundTripMs()).isBetween(0L, 500L);
    assertThat(later.clockOffsetMs()).isCloseTo(5_000L, within(later.roundTripMs() / 2 + 2));
    assertThat(client.clock().offsetMs()).isCloseTo(5_000L, within(250L));
  }

  @Test
  void recordsSpoolsAndUploadsACallFromStartToStop() throws Exception {
    mus.answerAll(503); // uploads are turned away for now: segments must wait in the spool
    screens.paint(0xFF0000);
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    conn.expect(Hello.class, WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);

    String id = UUID.randomUUID().toString();
    conn.send(start(7, id));
    assertThat(conn.expect(Ack.class, WAIT)).isEqualTo(new Ack(7, true, null));
    Path recordingDir = spoolDir.resolve(id);
    await().atMost(WAIT).until(() -> Files.exists(recordingDir.resolve("0000000.seg")));
    assertThat(recordingDir.resolve("manifest.json")).exists();
    await().atMost(WAIT).until(() -> mus.puts().size() >= 2);
    assertThat(mus.puts()).extracting(FakeMus.Put::answered).containsOnly(503);
    assertThat(recordingDir.resolve("0000000.seg")).exists();
    mus.answerAll(0);

    await().atMost(WAIT).until(() -> mus.stored().size() >= 2); // segments are 1 s long
    conn.send(new Stop(8, id));
    assertThat(conn.expect(Ack.class, WAIT)).isEqualTo(new Ack(8, true, null));
    RecordingStopped stopped = conn.expect(RecordingStopped.class, WAIT);
    assertThat(stopped.recordingId()).isEqualTo(id);
    assertThat(stopped.segmentCount()).isGreaterThanOrEqualTo(2);
    assertThat(stopped.endedAt()).isGreaterThan(stopped.startedAt());
    assertThat(client.recorderState()).isEqualTo(Recorder.State.IDLE);

    await().atMost(WAIT).until(() -> mus.stored().size() == stopped.segmentCount());
    await().atMost(WAIT).until(() -> !Files.exists(recordingDir));
    Set<Integer> indices = new HashSet<>();
    for (FakeMus.Put put : mus.stored()) {
      indices.add(put.index());
      assertThat(put.recordingId()).isEqualTo(id);
      assertThat(put.authorization()).isEqualTo("Bearer token-" + id);
      assertThat(put.sha256()).isEqualTo(sha256(put.body()));
      assertThat(put.isFinal()).isEqualTo(put.index() == stopped.segmentCount() - 1);
      assertSegmentShows(put.body(), id, put.index(), 0xFF0000);
    }
    assertThat(indices).hasSize(stopped.segmentCount());
  }

  @Test
  void refusesASecondRecordingAndAcknowledgesUnknownStops() throws Exception {
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    String first = UUID.randomUUID().toString();
    String second = UUID.randomUUID().toString();

    conn.send(start(1, first));
    assertThat(conn.expect(Ack.class, WAIT).ok()).isTrue();
    conn.send(start(2, second));
    Ack refused = conn.expect(Ack.class, WAIT);
    assertThat(refused.seq()).isEqualTo(2);
    assertThat(refused.ok()).isFalse();
    assertThat(refused.message()).contains(first);

    conn.send(new Pause(3, first));
    assertThat(conn.expect(Ack.class, WAIT))
        .isEqualTo(
            new Ack(3, false, "not supported in protocol version " + Limits.PROTOCOL_VERSION));

    conn.send(new Stop(4, second));
    assertThat(conn.expect(Ack.class, WAIT)).isEqualTo(new Ack(4, true, null));
    conn.send(new Stop(5, first));
    assertThat(conn.expect(Ack.class, WAIT)).isEqualTo(new Ack(5, true, null));
    RecordingStopped stopped = conn.expect(RecordingStopped.class, WAIT);
    assertThat(stopped.recordingId()).isEqualTo(first);
    // the unknown recording was acknowledged but never reported as stopped
    assertThat(conn.all()).filteredOn(m -> m instanceof RecordingStopped).hasSize(1);
  }

  @Test
  void connectsToTheSecondHostWhenTheFirstRefuses() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    CaptureClient client = started(client("127.0.0.1:" + closedPort, server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    assertThat(conn.expect(Hello.class, WAIT).agent()).isEqualTo("alice");
    await().atMost(WAIT).until(() -> client.server().isPresent());
    assertThat(client.server().get().port()).isEqualTo(server.port());
  }

  @Test
  void keepsRetryingUntilAServerAppears() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CaptureClient client = started(client("127.0.0.1:" + port));
    await()
        .during(Duration.ofMillis(300))
        .atMost(WAIT)
        .until(() -> client.connectionState() != ConnectionState.ACTIVE);
    // a server now starts on that port: the client finds it on one of its next rounds
    try (FakeControlServer late = FakeControlServer.onPort(port, mus.uploadUrl())) {
      late.nextConnection(WAIT).expect(Hello.class, WAIT);
      await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    }
  }

  @Test
  void closesAndReconnectsAfterAnOversizedFrame() throws Exception {
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);

    conn.sendRaw(new byte[] {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff, '{'});
    assertThat(conn.expect(ErrorMessage.class, WAIT).code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    await().atMost(WAIT).until(() -> !conn.isOpen());

    FakeControlServer.Connection again = server.nextConnection(WAIT);
    again.expect(Hello.class, WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
  }

  @Test
  void closesAndReconnectsAfterAnUnknownMessageType() throws Exception {
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);

    conn.sendRaw(frame("{\"type\":\"SELF_DESTRUCT\"}"));
    assertThat(conn.expect(ErrorMessage.class, WAIT).code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
    server.nextConnection(WAIT).expect(Hello.class, WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
  }

  @Test
  void rejectsCommandsBeforeWelcomeAndMalformedOnes() throws Exception {
    server.onHello(h -> null);
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    conn.expect(Hello.class, WAIT);
    conn.send(start(1, UUID.randomUUID().toString()));
    assertThat(conn.expect(ErrorMessage.class, WAIT).code())
        .isEqualTo(ErrorCode.UNEXPECTED_MESSAGE);

    FakeControlServer.Connection second = server.nextConnection(WAIT);
    second.expect(Hello.class, WAIT);
    second.sendRaw(
        frame(
            "{\"type\":\"START\",\"seq\":1,\"recordingId\":\"../../etc\",\"callId\":\"c\","
                + "\"uploadUrl\":\"u\",\"uploadToken\":\"t\"}"));
    assertThat(second.expect(ErrorMessage.class, WAIT).code()).isEqualTo(ErrorCode.BAD_MESSAGE);
    assertThat(client.recorderState()).isEqualTo(Recorder.State.IDLE);
    server.nextConnection(WAIT).expect(Hello.class, WAIT);
  }

  @Test
  void agentConnectedIsAFailedAttemptRetriedAfterTheBackoff() throws Exception {
    server.onHello(h -> null);
    CaptureClient client =
        started(
            client(server.hostArg())
                .reconnectPolicy(
                    new ReconnectPolicy(
                        Duration.ofMillis(500),
                        Duration.ofMillis(1_000),
                        0,
                        Duration.ofSeconds(30),
                        new Random(1))));
    FakeControlServer.Connection refused = server.nextConnection(WAIT);
    refused.expect(Hello.class, WAIT);
    server.onHello(h -> FakeControlServer.welcome(mus.uploadUrl(), null, null));
    refused.send(
        new ErrorMessage(ErrorCode.AGENT_CONNECTED, "agent alice is connected to this server"));
    await().atMost(WAIT).until(() -> refused.closedAt() != 0);

    FakeControlServer.Connection next = server.nextConnection(WAIT);
    assertThat(System.currentTimeMillis() - refused.closedAt())
        .as("waited the backoff of a failed round")
        .isGreaterThanOrEqualTo(400);
    next.expect(Hello.class, WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
  }

  @Test
  void reconnectsWhenTheServerStopsAnsweringHeartbeats() throws Exception {
    server.answerHeartbeats(false); // dead-peer timeout in the fake WELCOME is 1 s
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    assertThat(conn.expect(ErrorMessage.class, WAIT).code()).isEqualTo(ErrorCode.TIMEOUT);
    server.nextConnection(WAIT).expect(Hello.class, WAIT);
  }

  @Test
  void keepsRecordingThroughADisconnectAndUploadsWithTheAdoptingServersToken() throws Exception {
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    String id = UUID.randomUUID().toString();
    conn.send(start(1, id));
    assertThat(conn.expect(Ack.class, WAIT).ok()).isTrue();
    await().atMost(WAIT).until(() -> !mus.stored().isEmpty());

    server.onHello(
        h ->
            FakeControlServer.welcome(
                mus.uploadUrl(),
                h.activeRecording() == null ? null : h.activeRecording().recordingId(),
                "adopted-token"));
    conn.close();
    FakeControlServer.Connection next = server.nextConnection(WAIT);
    Hello hello = next.expect(Hello.class, WAIT);
    assertThat(hello.activeRecording()).isNotNull();
    assertThat(hello.activeRecording().recordingId()).isEqualTo(id);
    assertThat(hello.activeRecording().nextSegmentIndex()).isGreaterThanOrEqualTo(1);
    assertThat(client.recorderState()).isEqualTo(Recorder.State.RECORDING);

    await()
        .atMost(WAIT)
        .until(
            () ->
                mus.stored().stream()
                    .anyMatch(p -> p.authorization().equals("Bearer adopted-token")));
    next.send(new Stop(2, id));
    RecordingStopped stopped = next.expect(RecordingStopped.class, WAIT);
    await().atMost(WAIT).until(() -> mus.stored().size() == stopped.segmentCount());
    assertThat(mus.stored())
        .filteredOn(FakeMus.Put::isFinal)
        .singleElement()
        .satisfies(p -> assertThat(p.authorization()).isEqualTo("Bearer adopted-token"));
  }

  @Test
  void endsARecordingNoServerAdoptsAtTheBound() throws Exception {
    CaptureClient client = started(client(server.hostArg()).orphanBound(Duration.ofMillis(1500)));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    String id = UUID.randomUUID().toString();
    conn.send(start(1, id));
    assertThat(conn.expect(Ack.class, WAIT).ok()).isTrue();

    conn.close(); // the next HELLO is welcomed without adoption
    server.nextConnection(WAIT).expect(Hello.class, WAIT);
    assertThat(client.recorderState()).isEqualTo(Recorder.State.RECORDING);
    await().atMost(WAIT).until(() -> client.recorderState() == Recorder.State.IDLE);
    await().atMost(WAIT).until(() -> mus.stored().stream().anyMatch(FakeMus.Put::isFinal));
    await().atMost(WAIT).until(() -> !Files.exists(spoolDir.resolve(id)));
  }

  @Test
  void startReplacesARecordingTheNewServerDidNotAdopt() throws Exception {
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    String orphan = UUID.randomUUID().toString();
    conn.send(start(1, orphan));
    assertThat(conn.expect(Ack.class, WAIT).ok()).isTrue();
    conn.close();

    FakeControlServer.Connection next = server.nextConnection(WAIT);
    next.expect(Hello.class, WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    String fresh = UUID.randomUUID().toString();
    next.send(start(2, fresh));
    assertThat(next.expect(Ack.class, WAIT)).isEqualTo(new Ack(2, true, null));
    await()
        .atMost(WAIT)
        .until(
            () ->
                mus.stored().stream().anyMatch(p -> p.recordingId().equals(orphan) && p.isFinal()));
  }

  @Test
  void aServerThatClosesBeforeWelcomeIsFollowedByTheNextHostNotThePrimary() throws Exception {
    FakeControlServer second = new FakeControlServer(mus.uploadUrl());
    closeAfter.add(second);
    server.onHello(h -> null);
    started(client(server.hostArg(), second.hostArg()));
    FakeControlServer.Connection first = server.nextConnection(WAIT);
    assertThat(first.expect(Hello.class, WAIT).hostIndex()).isEqualTo(0);
    first.close();

    Hello hello = second.nextConnection(WAIT).expect(Hello.class, WAIT);
    assertThat(hello.hostIndex()).isEqualTo(1);
    assertThat(server.connections()).hasSize(1);
  }

  @Test
  void aSessionLostAfterWelcomeMovesToTheNextHost() throws Exception {
    FakeControlServer second = new FakeControlServer(mus.uploadUrl());
    closeAfter.add(second);
    CaptureClient client = started(client(server.hostArg(), second.hostArg()));
    FakeControlServer.Connection first = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    first.close(); // the primary still accepts connections, but it failed this client: go on

    assertThat(second.nextConnection(WAIT).expect(Hello.class, WAIT).hostIndex()).isEqualTo(1);
    await()
        .atMost(WAIT)
        .until(() -> client.server().map(ServerAddress::port).orElse(0) == second.port());
    assertThat(server.connections()).hasSize(1);
  }

  @Test
  void aServerThatStopsAnsweringHeartbeatsIsLeftForTheNextHost() throws Exception {
    FakeControlServer second = new FakeControlServer(mus.uploadUrl());
    closeAfter.add(second);
    server.answerHeartbeats(false); // dead-peer timeout in the fake WELCOME is 1 s
    CaptureClient client =
        started(
            client(server.hostArg(), second.hostArg())
                .failback(
                    cz.zoom.screenrec.client.control.FailbackPolicy.NEVER, Duration.ofSeconds(30)));
    FakeControlServer.Connection first = server.nextConnection(WAIT);
    assertThat(first.expect(ErrorMessage.class, WAIT).code()).isEqualTo(ErrorCode.TIMEOUT);
    second.nextConnection(WAIT).expect(Hello.class, WAIT);
    await()
        .atMost(WAIT)
        .until(() -> client.server().map(ServerAddress::port).orElse(0) == second.port());
  }

  @Test
  void configureIsAcknowledgedAndTheNextRecordingUsesIt() throws Exception {
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);

    conn.send(new Configure(1, new CaptureSettings(10, 1, 1_000, 1_000, List.of(1))));
    assertThat(conn.expect(Ack.class, WAIT)).isEqualTo(new Ack(1, true, null));
    String id = UUID.randomUUID().toString();
    conn.send(start(2, id));
    assertThat(conn.expect(Ack.class, WAIT).ok()).isTrue();
    await()
        .atMost(WAIT)
        .until(() -> mus.stored().stream().anyMatch(p -> p.recordingId().equals(id)));
    byte[] segment =
        mus.stored().stream()
            .filter(p -> p.recordingId().equals(id))
            .findFirst()
            .orElseThrow()
            .body();
    try (SegmentReader reader = new SegmentReader(new ByteArrayInputStream(segment))) {
      assertThat(reader.header().screens()).extracting(s -> s.id()).containsExactly(1);
    }
    // a recording in progress takes new settings at once: the next segments hold the other monitor
    conn.send(new Configure(3, new CaptureSettings(10, 1, 1_000, 1_000, List.of(0))));
    assertThat(conn.expect(Ack.class, WAIT)).isEqualTo(new Ack(3, true, null));
    await()
        .atMost(WAIT)
        .until(
            () ->
                mus.stored().stream()
                    .filter(p -> p.recordingId().equals(id))
                    .anyMatch(
                        p -> {
                          try (SegmentReader reader =
                              new SegmentReader(new ByteArrayInputStream(p.body()))) {
                            return reader.header().screens().stream()
                                .map(sc -> sc.id())
                                .toList()
                                .equals(List.of(0));
                          } catch (java.io.IOException e) {
                            return false;
                          }
                        }));
    // ids of monitors this desktop lacks are ignored; when none is left, all monitors are recorded
    // (docs/protocol.md, CaptureSettings.screens)
    conn.send(new Configure(4, new CaptureSettings(10, 1, 1_000, 1_000, List.of(9))));
    assertThat(conn.expect(Ack.class, WAIT)).isEqualTo(new Ack(4, true, null));
    int before = mus.stored().size();
    await()
        .atMost(WAIT)
        .until(
            () ->
                mus.stored().stream()
                    .skip(before)
                    .filter(p -> p.recordingId().equals(id))
                    .anyMatch(
                        p -> {
                          try (SegmentReader reader =
                              new SegmentReader(new ByteArrayInputStream(p.body()))) {
                            return reader.header().screens().size() == 2;
                          } catch (java.io.IOException e) {
                            return false;
                          }
                        }));
  }

  @Test
  void offersEndedRecordingsWithSegmentsLeftAndUploadsThemWhereTheGrantSays() throws Exception {
    mus.answerAll(503);
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    String id = UUID.randomUUID().toString();
    conn.send(start(1, id));
    assertThat(conn.expect(Ack.class, WAIT).ok()).isTrue();
    await().atMost(WAIT).until(() -> Files.exists(spoolDir.resolve(id).resolve("0000001.seg")));
    conn.send(new Stop(2, id));
    RecordingStopped stopped = conn.expect(RecordingStopped.class, WAIT);

    try (FakeMus other = new FakeMus()) {
      server.onHello(
          h ->
              new Welcome(
                  "session-2",
                  "other-cluster",
                  100,
                  1_000,
                  FakeControlServer.FAST_CAPTURE,
                  other.uploadUrl(),
                  null,
                  null,
                  System.currentTimeMillis(),
                  h.pendingRecordings().stream()
                      .map(p -> new UploadGrant(p.recordingId(), "granted"))
                      .toList()));
      conn.close();
      Hello hello = server.nextConnection(WAIT).expect(Hello.class, WAIT);
      assertThat(hello.activeRecording()).isNull();
      assertThat(hello.pendingRecordings())
          .singleElement()
          .satisfies(
              p -> {
                assertThat(p.recordingId()).isEqualTo(id);
                assertThat(p.callId()).isEqualTo("call-1");
                assertThat(p.segmentCount()).isEqualTo(stopped.segmentCount());
                assertThat(p.endedAt()).isEqualTo(stopped.endedAt());
                assertThat(p.originClusterId()).isEqualTo("test-cluster");
              });
      await().atMost(WAIT).until(() -> other.stored().size() == stopped.segmentCount());
      assertThat(other.stored())
          .extracting(FakeMus.Put::authorization)
          .containsOnly("Bearer granted");
      assertThat(other.stored())
          .filteredOn(FakeMus.Put::isFinal)
          .singleElement()
          .satisfies(p -> assertThat(p.index()).isEqualTo(stopped.segmentCount() - 1));
      await().atMost(WAIT).until(() -> !Files.exists(spoolDir.resolve(id)));
    }
  }

  @Test
  void anUngrantedRecordingKeepsItsTargetAndIsOfferedAgain() throws Exception {
    mus.answerAll(503);
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    String id = UUID.randomUUID().toString();
    conn.send(start(1, id));
    assertThat(conn.expect(Ack.class, WAIT).ok()).isTrue();
    conn.send(new Stop(2, id));
    RecordingStopped stopped = conn.expect(RecordingStopped.class, WAIT);
    conn.close();
    assertThat(server.nextConnection(WAIT).expect(Hello.class, WAIT).pendingRecordings())
        .extracting(p -> p.recordingId())
        .containsExactly(id);

    mus.answerAll(0); // the original MUS is back: the segments go there, with the START's token
    await().atMost(WAIT).until(() -> mus.stored().size() == stopped.segmentCount());
    assertThat(mus.stored())
        .extracting(FakeMus.Put::authorization)
        .containsOnly("Bearer token-" + id);
  }

  @Test
  void aGrantNeverMovesTheRecordingStillBeingCaptured() throws Exception {
    CaptureClient client = started(client(server.hostArg()));
    FakeControlServer.Connection conn = server.nextConnection(WAIT);
    await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
    String id = UUID.randomUUID().toString();
    conn.send(start(1, id));
    assertThat(conn.expect(Ack.class, WAIT).ok()).isTrue();

    try (FakeMus other = new FakeMus()) {
      // not adopted, yet "granted": only ended recordings that HELLO offered can be granted
      server.onHello(
          h ->
              new Welcome(
                  "session-2",
                  "other-cluster",
                  100,
                  1_000,
                  FakeControlServer.FAST_CAPTURE,
                  other.uploadUrl(),
                  null,
                  null,
                  System.currentTimeMillis(),
                  List.of(new UploadGrant(id, "stolen"))));
      conn.close();
      server.nextConnection(WAIT).expect(Hello.class, WAIT);
      await().atMost(WAIT).until(() -> client.connectionState() == ConnectionState.ACTIVE);
      int before = mus.stored().size();
      await().atMost(WAIT).until(() -> mus.stored().size() >= before + 2);
      assertThat(other.puts()).isEmpty();
      assertThat(mus.stored())
          .extracting(FakeMus.Put::authorization)
          .containsOnly("Bearer token-" + id);
    }
  }

  private static byte[] frame(String json) {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    byte[] frame = new byte[4 + payload.length];
    frame[0] = (byte) (payload.length >>> 24);
    frame[1] = (byte) (payload.length >>> 16);
    frame[2] = (byte) (payload.length >>> 8);
    frame[3] = (byte) payload.length;
    System.arraycopy(payload, 0, frame, 4, payload.length);
    return frame;
  }

  private static String sha256(byte[] body) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
  }

  private static void assertSegmentShows(byte[] segment, String id, int index, int color)
      throws Exception {
    try (SegmentReader reader = new SegmentReader(new ByteArrayInputStream(segment))) {
      assertThat(reader.header().recordingId()).isEqualTo(id);
      assertThat(reader.header().segmentIndex()).isEqualTo(index);
      Set<Integer> seen = new HashSet<>();
      List<SegmentEvent> events = reader.readAll();
      assertThat(events).last().isInstanceOf(SegmentEvent.End.class);
      for (SegmentEvent e : events) {
        if (e instanceof SegmentEvent.Frame f) {
          if (seen.add(f.screenId())) {
            assertThat(f.keyframe())
                .as("first frame of screen %d in segment %d", f.screenId(), index)
                .isTrue();
          }
          assertThat(f.rgb()).containsOnly(color);
        }
      }
      assertThat(seen).containsExactlyInAnyOrder(0, 1);
    }
  }
}
