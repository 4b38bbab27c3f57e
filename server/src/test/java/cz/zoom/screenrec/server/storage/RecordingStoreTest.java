package cz.zoom.screenrec.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cz.zoom.screenrec.encode.VideoLayout;
import cz.zoom.screenrec.format.ScreenLayout;
import cz.zoom.screenrec.server.recording.Call;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The metadata store against a real database engine. The same cases run on every engine the server
 * supports (one subclass each), because the SQL must mean the same on all of them: the store relies
 * on compare-and-set updates, COALESCE with typed and untyped parameters, and SQLState class 23 for
 * "already exists".
 */
abstract class RecordingStoreTest {
  static final long T0 = 1_700_000_000_000L;

  Database database;
  RecordingStore store;

  /** A fresh, empty database of the engine under test. */
  abstract DbUrl emptyDatabase() throws Exception;

  record DbUrl(String url, String user, String password) {}

  @BeforeEach
  void open() throws Exception {
    DbUrl db = emptyDatabase();
    database = new Database(db.url(), db.user(), db.password(), 10);
    store = new RecordingStore(new Jdbc(database.dataSource()));
  }

  @AfterEach
  void closeDatabase() {
    if (database != null) {
      database.close();
    }
  }

  // --- schema ----------------------------------------------------------------------------------

  @Test
  void flywayMigratesAnEmptyDatabaseAndAReopenKeepsTheData() throws Exception {
    try (Connection c = database.connection()) {
      assertThat(tableNames(c))
          .contains(
              "calls",
              "recordings",
              "segments",
              "upload_tokens",
              "recording_layout",
              "flyway_schema_history");
      List<String> applied = new ArrayList<>();
      try (ResultSet rs =
          c.createStatement()
              .executeQuery(
                  "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL")) {
        while (rs.next()) {
          assertThat(rs.getBoolean(2)).as("migration V%s succeeded", rs.getString(1)).isTrue();
          applied.add(rs.getString(1));
        }
      }
      assertThat(applied).contains("1", "2", "6", "8", "9");
    }
    store.insertCall(new Call("call-1", "alice", T0, null));
    database.close();

    DbUrl same = currentUrl();
    database = new Database(same.url(), same.user(), same.password(), 10);
    store = new RecordingStore(new Jdbc(database.dataSource()));
    assertThat(store.findCall("call-1")).isPresent();
    assertThat(database.isHealthy()).isTrue();
  }

  @Test
  void theUploadTokenMigrationKeepsEachRecordingsTokenAndRevokesThoseOfClosedRecordings()
      throws Exception {
    database.close();
    DbUrl db = emptyDatabase();
    org.flywaydb.core.Flyway.configure()
        .dataSource(db.url(), db.user(), db.password())
        .locations("classpath:db/migration")
        .target("4")
        .load()
        .migrate();
    String open = UUID.randomUUID().toString();
    String done = UUID.randomUUID().toString();
    try (Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password())) {
      for (String[] row : new String[][] {{open, "UPLOADING", "b"}, {done, "READY", "c"}}) {
        try (var ps =
            c.prepareStatement(
                "INSERT INTO recordings (id, call_id, agent, cluster_id, status, "
                    + "upload_token_hash, created_at, updated_at) VALUES (?, 'call-1', 'alice', 'cluster-a', ?, ?, ?, ?)")) {
          ps.setString(1, row[0]);
          ps.setString(2, row[1]);
          ps.setString(3, hash(row[2].charAt(0)));
          ps.setLong(4, T0);
          ps.setLong(5, T0 + 9);
          ps.executeUpdate();
        }
      }
    }
    database = new Database(db.url(), db.user(), db.password(), 10);
    store = new RecordingStore(new Jdbc(database.dataSource()));
    assertThat(store.uploadToken(open, hash('b')))
        .hasValue(new RecordingStore.UploadToken(open, T0, null));
    assertThat(store.uploadToken(done, hash('c')))
        .hasValue(new RecordingStore.UploadToken(done, T0, T0 + 9));
  }

  /** The URL {@link #emptyDatabase()} last returned, to reopen the same database. */
  abstract DbUrl currentUrl();

  // --- calls -----------------------------------------------------------------------------------

  @Test
  void callsAreInsertedOnceAndEndedOnce() {
    assertThat(store.insertCall(new Call("call-1", "alice", T0, null))).isTrue();
    assertThat(store.insertCall(new Call("call-1", "bob", T0 + 5, null)))
        .as("duplicate call id")
        .isFalse();
    assertThat(store.findCall("call-1")).hasValue(new Call("call-1", "alice", T0, null));
    assertThat(store.findCall("call-2")).isEmpty();

    store.endCall("call-1", T0 + 60_000);
    store.endCall("call-1", T0 + 90_000);
    assertThat(store.findCall("call-1")).hasValue(new Call("call-1", "alice", T0, T0 + 60_000));
  }

  // --- recordings ------------------------------------------------------------------------------

  @Test
  void aRecordingReadsBackAsWritten() {
    String id = recording("call-1", "alice", T0, null, null);
    String adopted =
        recording("call-2", "bob", T0 + 1, RecordingStatus.UPLOADING, "cluster-b", T0 - 30_000);

    Recording r = store.findRecording(id).orElseThrow();
    assertThat(r)
        .isEqualTo(
            new Recording(
                id,
                "call-1",
                "alice",
                "desktop-1",
                "cluster-a",
                RecordingStatus.RECORDING,
                null,
                T0,
                null,
                null,
                0,
                null,
                false,
                null,
                null,
                null,
                null));
    assertThat(r.startedAt()).isNull();
    Recording a = store.findRecording(adopted).orElseThrow();
    assertThat(a.adopted()).isTrue();
    assertThat(a.originClusterId()).isEqualTo("cluster-b");
    assertThat(a.status()).isEqualTo(RecordingStatus.UPLOADING);
    assertThat(a.captureStartedAt()).isEqualTo(T0 - 30_000);
    assertThat(store.findRecording(UUID.randomUUID().toString())).isEmpty();

    store.clockOffset(adopted, -1_500);
    assertThat(store.findRecording(adopted).orElseThrow().startedAt()).isEqualTo(T0 - 31_500);
  }

  @Test
  void aLaterGrantAddsAnUploadTokenAndNeverReplacesTheFirst() {
    String id = recording("call-1", "alice", T0, null, null);
    String other = recording("call-2", "bob", T0, null, null);
    assertThat(store.uploadToken(id, hash('a')))
        .hasValue(new RecordingStore.UploadToken(id, T0, null));
    store.addUploadToken(id, hash('b'), T0 + 5);
    assertThat(store.uploadToken(id, hash('a'))).as("the original holder's token").isPresent();
    assertThat(store.uploadToken(id, hash('b')))
        .hasValue(new RecordingStore.UploadToken(id, T0 + 5, null));
    assertThat(store.uploadToken(id, hash('c'))).isEmpty();
    assertThat(store.uploadToken(other, hash('b')))
        .as("a token is scoped to its recording")
        .isEmpty();
    assertThat(store.uploadToken(UUID.randomUUID().toString(), hash('a'))).isEmpty();
  }

  @Test
  void uploadTokensAreRevokedWhenTheRecordingLeavesUploading() {
    String id = recording("call-1", "alice", T0, null, null);
    store.addUploadToken(id, hash('b'), T0 + 1);
    store.transition(id, RecordingStatus.RECORDING, RecordingStatus.UPLOADING, null, T0 + 2);
    assertThat(store.uploadToken(id, hash('a')).orElseThrow().revoked())
        .as("UPLOADING still takes uploads")
        .isFalse();
    store.transition(id, RecordingStatus.UPLOADING, RecordingStatus.ENCODING, null, T0 + 3);
    assertThat(store.uploadToken(id, hash('a')).orElseThrow().revokedAt()).isEqualTo(T0 + 3);
    assertThat(store.uploadToken(id, hash('b')).orElseThrow().revokedAt()).isEqualTo(T0 + 3);
    store.ready(id, 1_000, T0, T0 + 1_000, T0 + 9);
    assertThat(store.uploadToken(id, hash('a')).orElseThrow().revokedAt())
        .as("first revocation kept")
        .isEqualTo(T0 + 3);

    String failed = recording("call-2", "alice", T0, null, null);
    store.fail(failed, "the client refused START", T0 + 4);
    assertThat(store.uploadToken(failed, hash('a')).orElseThrow().revoked()).isTrue();
    String ready = recording("call-3", "alice", T0, RecordingStatus.ENCODING, null, null);
    assertThat(store.uploadToken(ready, hash('a')).orElseThrow().revoked()).isFalse();
    store.ready(ready, 1_000, T0, T0 + 1_000, T0 + 5);
    assertThat(store.uploadToken(ready, hash('a')).orElseThrow().revoked()).isTrue();
  }

  @Test
  void storedBytesAddUpTheRecordingsSegments() {
    String id = recording("call-1", "alice", T0, null, null);
    assertThat(store.storedBytes(id)).isZero();
    store.insertSegment(segment(id, 0, 'a'));
    store.insertSegment(segment(id, 1, 'a'));
    store.insertSegment(segment(recording("call-2", "bob", T0, null, null), 0, 'a'));
    assertThat(store.storedBytes(id)).isEqualTo(1_000L + 1_001L);
  }

  @Test
  void duplicateRecordingIdIsRejectedAsAStorageError() {
    String id = recording("call-1", "alice", T0, null, null);
    assertThatThrownBy(
            () ->
                store.insertRecording(
                    id,
                    "call-2",
                    "bob",
                    "desktop-1",
                    "cluster-a",
                    RecordingStatus.RECORDING,
                    hash('c'),
                    T0,
                    null,
                    null))
        .isInstanceOf(StorageException.class)
        .satisfies(e -> assertThat(Jdbc.isDuplicateKey((StorageException) e)).isTrue());
    assertThat(store.findRecording(id).orElseThrow().callId()).isEqualTo("call-1");
  }

  @Test
  void transitionsAreCompareAndSet() {
    String id = recording("call-1", "alice", T0, null, null);
    assertThat(
            store.transition(
                id, RecordingStatus.RECORDING, RecordingStatus.UPLOADING, null, T0 + 1))
        .isTrue();
    assertThat(
            store.transition(
                id, RecordingStatus.RECORDING, RecordingStatus.UPLOADING, null, T0 + 2))
        .as("second transition from the same state")
        .isFalse();
    assertThat(
            store.transition(id, RecordingStatus.RECORDING, RecordingStatus.FAILED, "late", T0 + 3))
        .isFalse();
    assertThat(store.findRecording(id).orElseThrow().status()).isEqualTo(RecordingStatus.UPLOADING);
    assertThat(
            store.transition(
                UUID.randomUUID().toString(),
                RecordingStatus.RECORDING,
                RecordingStatus.UPLOADING,
                null,
                T0))
        .as("unknown recording")
        .isFalse();

    assertThat(
            store.transition(id, RecordingStatus.UPLOADING, RecordingStatus.ENCODING, null, T0 + 4))
        .isTrue();
    assertThat(store.findByStatus(RecordingStatus.ENCODING))
        .extracting(Recording::id)
        .containsExactly(id);
    assertThat(store.findByStatus(RecordingStatus.UPLOADING)).isEmpty();
  }

  @Test
  void concurrentTransitionsFromTheSameStateHaveExactlyOneWinner() throws Exception {
    String id = recording("call-1", "alice", T0, null, null);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        long now = T0 + i;
        results.add(
            pool.submit(
                () -> {
                  go.await();
                  return store.transition(
                      id, RecordingStatus.RECORDING, RecordingStatus.UPLOADING, null, now);
                }));
      }
      go.countDown();
      int winners = 0;
      for (Future<Boolean> f : results) {
        winners += f.get(10, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertThat(winners).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void failKeepsReadyRecordingsAndStoresLongReasonsTruncated() {
    String failing = recording("call-1", "alice", T0, null, null);
    store.fail(failing, "x".repeat(5_000), T0 + 1);
    Recording f = store.findRecording(failing).orElseThrow();
    assertThat(f.status()).isEqualTo(RecordingStatus.FAILED);
    assertThat(f.failureReason()).hasSize(1_000);

    String ready = recording("call-2", "alice", T0, null, null);
    store.ready(ready, 4_000, T0, T0 + 4_000, T0 + 2);
    store.fail(ready, "too late", T0 + 3);
    assertThat(store.findRecording(ready).orElseThrow().status()).isEqualTo(RecordingStatus.READY);
  }

  @Test
  void failureReasonsWithControlCharactersAreStored() {
    // reasons carry exception messages, which may quote bytes a client sent
    String id = recording("call-1", "alice", T0, null, null);
    store.fail(id, "bad header \0\1 in segment", T0 + 1);
    Recording r = store.findRecording(id).orElseThrow();
    assertThat(r.status()).isEqualTo(RecordingStatus.FAILED);
    assertThat(r.failureReason()).startsWith("bad header").endsWith("in segment");

    // the cut at 1000 characters splits a surrogate pair: the stored text must still be valid
    String split = recording("call-2", "alice", T0, null, null);
    store.fail(split, "x".repeat(999) + "\uD83D\uDE00 and more", T0 + 1);
    assertThat(store.findRecording(split).orElseThrow().failureReason())
        .startsWith("xxx")
        .hasSizeLessThanOrEqualTo(1_000);
  }

  @Test
  void readyStoresTheSpanPlayedAndAnEncodeLaterTheVideo() {
    String known = recording("call-1", "alice", T0, null, null);
    store.captureEnded(known, T0 - 3_600_000, T0 + 4_100, 2, T0 + 5_000);
    store.fail(known, "first attempt failed", T0 + 5_500);
    // the claimed hour before was cut to what the server observed
    store.ready(known, 4_000, T0 + 100, T0 + 4_100, T0 + 6_000);
    Recording r = store.findRecording(known).orElseThrow();
    assertThat(r.status()).isEqualTo(RecordingStatus.READY);
    assertThat(r.failureReason()).isNull();
    assertThat(r.videoCodec()).as("nothing encoded yet").isNull();
    store.videoEncoded(known, "vp9", 12_345, T0 + 7_000);
    r = store.findRecording(known).orElseThrow();
    assertThat(r.videoCodec()).isEqualTo("vp9");
    assertThat(r.videoBytes()).isEqualTo(12_345L);
    assertThat(r.videoDurationMs()).isEqualTo(4_000L);
    assertThat(r.captureStartedAt()).isEqualTo(T0 + 100);
    assertThat(r.captureEndedAt()).isEqualTo(T0 + 4_100);

    String unknown = recording("call-2", "alice", T0, null, null);
    store.ready(unknown, 10, T0 + 10, T0 + 20, T0 + 30);
    Recording u = store.findRecording(unknown).orElseThrow();
    assertThat(u.captureStartedAt()).isEqualTo(T0 + 10);
    assertThat(u.captureEndedAt()).isEqualTo(T0 + 20);
  }

  @Test
  void theVideosLayoutReadsBackAsWrittenAndAReEncodeReplacesIt() {
    String id = recording("call-1", "alice", T0, null, null);
    assertThat(store.layout(id)).isEmpty();
    VideoLayout two =
        new VideoLayout(
            1922,
            542,
            2,
            List.of(
                new ScreenLayout(0, 0, 0, 1921, 1081), new ScreenLayout(1, 1921, 0, 1920, 1080)));
    store.replaceLayout(id, two);
    assertThat(store.layout(id)).contains(two);

    VideoLayout one = new VideoLayout(640, 480, 1, List.of(new ScreenLayout(3, 0, 0, 640, 480)));
    store.replaceLayout(id, one);
    assertThat(store.layout(id)).contains(one);
  }

  @Test
  void aLayoutAddedLaterNeverReplacesTheStoredOne() {
    String id = recording("call-1", "alice", T0, null, null);
    VideoLayout stored = new VideoLayout(640, 480, 1, List.of(new ScreenLayout(0, 0, 0, 640, 480)));
    assertThat(store.addLayout(id, stored)).isTrue();

    VideoLayout other =
        new VideoLayout(
            800,
            600,
            1,
            List.of(new ScreenLayout(0, 0, 0, 400, 600), new ScreenLayout(1, 400, 0, 400, 600)));
    assertThat(store.addLayout(id, other)).isFalse();
    assertThat(store.layout(id)).contains(stored);
    assertThat(store.addLayout(UUID.randomUUID().toString(), stored))
        .as("unknown recording")
        .isFalse();
  }

  @Test
  void aCallsRecordingIsTheOneLinkedToItNotTheNewestNamingIt() {
    store.insertCall(new Call("call-1", "alice", T0, null));
    assertThat(store.findRecordingOfCall("call-1")).isEmpty();
    String first = recording("call-1", "alice", T0, null, null);
    assertThat(store.findRecordingOfCall("call-1"))
        .as("a row naming the call is not its recording")
        .isEmpty();
    assertThat(store.linkRecordingToCall("call-1", first, null)).isTrue();
    String later = recording("call-1", "alice", T0 + 1_000, "cluster-b", null);
    assertThat(store.findRecordingOfCall("call-1")).map(Recording::id).hasValue(first);

    assertThat(store.linkRecordingToCall("call-1", later, null)).as("the call has one").isFalse();
    assertThat(store.linkRecordingToCall("call-1", later, later))
        .as("not the one expected")
        .isFalse();
    assertThat(store.findRecordingOfCall("call-1")).map(Recording::id).hasValue(first);
    assertThat(store.linkRecordingToCall("call-1", later, first)).isTrue();
    assertThat(store.findRecordingOfCall("call-1")).map(Recording::id).hasValue(later);
    assertThat(store.linkRecordingToCall("no-such-call", first, null)).isFalse();
  }

  @Test
  void captureEndedNeverOverwritesAKnownSegmentCountOrStart() {
    String id = recording("call-1", "alice", T0, null, null);
    store.captureStarted(id, T0 + 10);
    store.captureStarted(id, T0 + 99);
    store.segmentCountKnown(id, 5);
    store.captureEnded(id, T0 + 50, T0 + 10_000, 3, T0 + 11_000);
    Recording r = store.findRecording(id).orElseThrow();
    assertThat(r.segmentCount()).isEqualTo(5);
    assertThat(r.captureStartedAt()).isEqualTo(T0 + 10);
    assertThat(r.captureEndedAt()).isEqualTo(T0 + 10_000);

    String fresh = recording("call-2", "alice", T0, null, null);
    store.captureEnded(fresh, T0 + 50, T0 + 10_000, 3, T0 + 11_000);
    store.segmentCountKnown(fresh, 7);
    store.captureEnded(fresh, T0 + 60, T0 + 12_000, 9, T0 + 13_000);
    Recording f = store.findRecording(fresh).orElseThrow();
    assertThat(f.segmentCount()).isEqualTo(3);
    assertThat(f.captureStartedAt()).isEqualTo(T0 + 50);
    assertThat(f.captureEndedAt()).as("the last report of the end wins").isEqualTo(T0 + 12_000);
  }

  @Test
  void findRecordingsFiltersByCallAndAgentNewestFirst() {
    String a1 = recording("call-1", "alice", T0, null, null);
    String b1 = recording("call-1", "bob", T0 + 10, null, null);
    String a2 = recording("call-2", "alice", T0 + 20, null, null);
    String c3 = recording("call-3", "carol", T0 + 30, null, null);

    assertThat(ids(store.findRecordings(null, null, 100))).containsExactly(c3, a2, b1, a1);
    assertThat(ids(store.findRecordings("call-1", null, 100))).containsExactly(b1, a1);
    assertThat(ids(store.findRecordings(null, "alice", 100))).containsExactly(a2, a1);
    assertThat(ids(store.findRecordings("call-1", "alice", 100))).containsExactly(a1);
    assertThat(ids(store.findRecordings("call-9", null, 100))).isEmpty();
    assertThat(ids(store.findRecordings("call-1", "carol", 100))).isEmpty();
    assertThat(ids(store.findRecordings(null, null, 2))).containsExactly(c3, a2);
    // a value that would be an injection if it were not a bound parameter
    assertThat(store.findRecordings("x' OR '1'='1", null, 100)).isEmpty();

    assertThat(ids(store.findByStatus(RecordingStatus.RECORDING))).containsExactly(a1, b1, a2, c3);
  }

  @Test
  void recordingsCreatedInTheSameMillisecondListInIdOrder() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(recording("call-1", "alice", T0, null, null));
    }
    assertThat(ids(store.findRecordings("call-1", null, 100)))
        .containsExactlyElementsOf(ids.stream().sorted().toList());
  }

  // --- segments --------------------------------------------------------------------------------

  @Test
  void segmentsAreStoredOnceAndListedInIndexOrder() {
    String id = recording("call-1", "alice", T0, null, null);
    for (int index : new int[] {2, 0, 10, 1}) {
      assertThat(store.insertSegment(segment(id, index, 'a'))).isTrue();
    }
    assertThat(store.insertSegment(segment(id, 1, 'b'))).as("duplicate index").isFalse();
    assertThat(store.findSegment(id, 1)).hasValue(segment(id, 1, 'a'));
    assertThat(store.findSegment(id, 3)).isEmpty();

    assertThat(store.segments(id)).extracting(Segment::index).containsExactly(0, 1, 2, 10);
    assertThat(store.segments(id).get(3)).isEqualTo(segment(id, 10, 'a'));
    assertThat(store.segmentCount(id)).isEqualTo(4);

    String other = recording("call-2", "bob", T0, null, null);
    assertThat(store.segments(other)).isEmpty();
    assertThat(store.segmentCount(other)).isZero();
    assertThat(store.insertSegment(segment(other, 1, 'c')))
        .as("same index, other recording")
        .isTrue();
  }

  @Test
  void aSegmentOfAnUnknownRecordingIsNotStored() {
    // the foreign key answers 23503, which the store reports like a duplicate (not stored)
    String unknown = UUID.randomUUID().toString();
    assertThat(store.insertSegment(segment(unknown, 0, 'a'))).isFalse();
    assertThat(store.segments(unknown)).isEmpty();
  }

  @Test
  void sizesBeyondIntRangeSurvive() {
    String id = recording("call-1", "alice", T0, null, null);
    long big = 5L * 1024 * 1024 * 1024;
    assertThat(
            store.insertSegment(
                new Segment(id, 0, hash('d'), big, "cluster-a", Long.MAX_VALUE - 1)))
        .isTrue();
    assertThat(store.findSegment(id, 0).orElseThrow().bytes()).isEqualTo(big);
    assertThat(store.findSegment(id, 0).orElseThrow().receivedAt()).isEqualTo(Long.MAX_VALUE - 1);
  }

  // --- helpers ---------------------------------------------------------------------------------

  String recording(
      String callId, String agent, long now, String originClusterId, Long captureStartedAt) {
    return recording(
        callId, agent, now, RecordingStatus.RECORDING, originClusterId, captureStartedAt);
  }

  String recording(
      String callId,
      String agent,
      long now,
      RecordingStatus status,
      String originClusterId,
      Long captureStartedAt) {
    String id = UUID.randomUUID().toString();
    store.insertRecording(
        id,
        callId,
        agent,
        "desktop-1",
        "cluster-a",
        status,
        hash('a'),
        now,
        originClusterId,
        captureStartedAt);
    return id;
  }

  static Segment segment(String recordingId, int index, char fill) {
    return new Segment(recordingId, index, hash(fill), 1_000L + index, "cluster-a", T0 + index);
  }

  static String hash(char fill) {
    return String.valueOf(fill).repeat(64);
  }

  static List<String> ids(List<Recording> recordings) {
    return recordings.stream().map(Recording::id).toList();
  }

  private static List<String> tableNames(Connection c) throws Exception {
    List<String> names = new ArrayList<>();
    try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
      while (rs.next()) {
        names.add(rs.getString("TABLE_NAME").toLowerCase(Locale.ROOT));
      }
    }
    return names;
  }
}
