package cz.zoom.screenrec.server.encode;

import cz.zoom.screenrec.encode.EncodedVideo;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.server.recording.Call;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encoder threads. Each job turns one recording's segments into a video and thumbnail, verifies the
 * result, stores the video's layout and only then marks the recording READY. Raw segments are kept.
 *
 * <p>No recording can starve the others. The span encoded is cut to what the server observed
 * ({@link EncodeWindow}), so a client claiming hours gets at most its call's length. Each encode
 * has a time budget, {@link Bounds#budgetFactor()} times that span plus {@link Bounds#budgetMin()};
 * one that runs out is stopped and the recording FAILED. Waiting jobs go shortest first with
 * ageing: a job's turn is when it was queued plus its span, so a short recording passes a long one
 * queued shortly before, and a long one waits at most about its own length of newer work.
 */
public final class EncodeWorkers implements Consumer<String>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EncodeWorkers.class);

  /**
   * How much one recording may cost.
   *
   * @param margin widening of the server-observed span (clock offset error, client reaction time)
   * @param budgetFactor encode time allowed per ms of (bounded) recording
   * @param budgetMin encode time allowed whatever the length
   */
  public record Bounds(Duration margin, double budgetFactor, Duration budgetMin) {
    Duration budget(long spanMs) {
      return budgetMin.plusMillis((long) Math.min(Long.MAX_VALUE / 2.0, spanMs * budgetFactor));
    }
  }

  private record Job(String recordingId, long turn, long seq) implements Comparable<Job> {
    @Override
    public int compareTo(Job o) {
      int c = Long.compare(turn, o.turn);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final Seal seal;
  private final RecordingEncoder encoder;
  private final Bounds bounds;
  private final Clock clock;
  private final PriorityBlockingQueue<Job> queue = new PriorityBlockingQueue<>();

  /** Recordings queued and not yet taken: a second accept of one is a no-op. */
  private final Set<String> waiting = ConcurrentHashMap.newKeySet();

  private final AtomicLong seq = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final Timer encodeTimer;

  /** What is done with an encoded recording just before it is READY: its evidence is sealed. */
  @FunctionalInterface
  public interface Seal {
    void seal(Recording r, List<Segment> segments, EncodedVideo video, long from, long to)
        throws IOException;
  }

  public EncodeWorkers(
      RecordingStore store,
      LocalMediaStore media,
      RecordingEncoder encoder,
      int threads,
      Bounds bounds,
      MeterRegistry metrics,
      Clock clock,
      Seal seal) {
    this.seal = seal;
    this.store = store;
    this.media = media;
    this.encoder = encoder;
    this.bounds = bounds;
    this.clock = clock;
    this.encodeTimer = metrics.timer("screenrec.encode.duration");
    metrics.gauge("screenrec.encode.queued", queue, Collection::size);
    for (int i = 1; i <= threads; i++) {
      Thread t = new Thread(this::work, "encoder-" + i);
      t.setDaemon(true);
      this.threads.add(t);
      t.start();
    }
  }

  /** Queues a recording that is in ENCODING. */
  @Override
  public void accept(String recordingId) {
    if (!waiting.add(recordingId)) {
      return;
    }
    long span;
    try {
      span = expectedSpan(recordingId);
    } catch (RuntimeException e) {
      // the job itself will meet the same database and fail the recording properly
      span = 0;
    }
    queue.add(new Job(recordingId, clock.millis() + span, seq.incrementAndGet()));
  }

  /**
   * Loads FFmpeg's natives in the background (a few hundred ms, more on a first run that unpacks
   * them), so the first recording does not pay for it in its budget; then re-queues whatever was
   * being encoded when the server last stopped.
   */
  public void resumeInterrupted() {
    Thread preload = new Thread(RecordingEncoder::preload, "encoder-preload");
    preload.setDaemon(true);
    preload.start();
    for (Recording r : store.findByStatus(RecordingStatus.ENCODING)) {
      log.info("recording {}: resuming interrupted encoding", r.id());
      accept(r.id());
    }
  }

  private void work() {
    while (!Thread.currentThread().isInterrupted()) {
      Job job;
      try {
        job = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      waiting.remove(job.recordingId());
      encodeTimer.record(() -> encode(job.recordingId()));
    }
  }

  /**
   * The span the recording will likely be encoded for, from the database alone (no segment read).
   */
  private long expectedSpan(String recordingId) {
    Recording r = store.findRecording(recordingId).orElse(null);
    if (r == null) {
      return 0;
    }
    List<Segment> segments = store.segments(recordingId);
    if (r.captureStartedAt() == null || r.captureEndedAt() == null) {
      return segments.size() * bounds.margin().toMillis();
    }
    return EncodeWindow.of(
            r,
            call(r),
            segments,
            r.captureStartedAt(),
            r.captureEndedAt(),
            bounds.margin().toMillis())
        .map(EncodeWindow::durationMs)
        .orElse(0L);
  }

  private Call call(Recording r) {
    return store.findCall(r.callId()).orElse(null);
  }

  private void encode(String recordingId) {
    try {
      Recording r = store.findRecording(recordingId).orElseThrow();
      if (r.status() != RecordingStatus.ENCODING) {
        log.debug("recording {} is {}, no longer waiting for an encoder", recordingId, r.status());
        return;
      }
      List<Path> segments = new ArrayList<>();
      for (int i = 0; i < r.segmentCount(); i++) {
        segments.add(media.segmentPath(recordingId, i));
      }
      // a recording encoded after the upload grace may lack segments; those become gaps
      List<Path> present = segments.stream().filter(Files::isRegularFile).toList();
      if (present.isEmpty()) {
        store.fail(recordingId, "no segment file is in the media store", clock.millis());
        return;
      }
      long claimedFrom =
          r.captureStartedAt() != null ? r.captureStartedAt() : firstSegmentStart(present.get(0));
      long claimedTo =
          r.captureEndedAt() != null
              ? r.captureEndedAt()
              : lastEventTime(present.get(present.size() - 1));
      if (claimedTo <= claimedFrom) {
        store.fail(
            recordingId,
            "recording has no duration (" + claimedFrom + ".." + claimedTo + ")",
            clock.millis());
        return;
      }
      Optional<EncodeWindow> window =
          EncodeWindow.of(
              r,
              call(r),
              store.segments(recordingId),
              claimedFrom,
              claimedTo,
              bounds.margin().toMillis());
      if (window.isEmpty()) {
        store.fail(
            recordingId,
            "the capture times the client gave ("
                + claimedFrom
                + ".."
                + claimedTo
                + ", client clock) lie outside the call and uploads this server observed",
            clock.millis());
        return;
      }
      long from = window.get().from();
      long to = window.get().to();
      if (from != claimedFrom || to != claimedTo) {
        log.warn(
            "recording {}: the client claims {}..{} ({} ms); encoding {}..{} ({} ms), what this server observed",
            recordingId,
            claimedFrom,
            claimedTo,
            claimedTo - claimedFrom,
            from,
            to,
            to - from);
      }
      Duration budget = bounds.budget(to - from);
      long t0 = System.nanoTime();
      EncodedVideo video =
          encoder.encode(segments, from, to, media.recordingDir(recordingId), budget);
      verify(video, encoder.settings().fps());
      // before READY: a READY recording without a layout is one encoded before layouts were kept
      store.replaceLayout(recordingId, video.layout());
      // and with its evidence: what READY promises can be proven from then on
      seal.seal(r, store.segments(recordingId), video, from, to);
      store.ready(
          recordingId,
          video.codec().id(),
          video.bytes(),
          video.durationMs(),
          from,
          to,
          clock.millis());
      log.info(
          "recording {}: READY, {} {} bytes, {} ms of video, encoded in {} ms",
          recordingId,
          video.codec().id(),
          video.bytes(),
          video.durationMs(),
          (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      // an Error escaping here would kill the worker and leave the recording ENCODING for ever
      log.error("recording {}: encoding failed", recordingId, e);
      store.fail(recordingId, "encoding failed: " + e, clock.millis());
    }
  }

  /**
   * Reads the file back before anyone is told it is playable: every frame there, duration right.
   */
  private static void verify(EncodedVideo video, int fps) throws IOException {
    if (!Files.isRegularFile(video.video()) || Files.size(video.video()) != video.bytes()) {
      throw new IOException(
          "encoded file is missing or has the wrong size: " + video.video().getFileName());
    }
    VideoProbe.Info info = VideoProbe.probe(video.video());
    long frameMs = 1000L / fps;
    if (info.frames() != video.frames()
        || Math.abs(info.durationMs() - video.durationMs()) > frameMs) {
      throw new IOException(
          "encoded file does not read back as written: "
              + info.frames()
              + " frames / "
              + info.durationMs()
              + " ms, expected "
              + video.frames()
              + " / "
              + video.durationMs());
    }
  }

  private static long firstSegmentStart(Path segment) throws IOException {
    try (InputStream in = Files.newInputStream(segment);
        SegmentReader reader = new SegmentReader(in)) {
      return reader.header().startedAt();
    }
  }

  private static long lastEventTime(Path segment) throws IOException {
    try (InputStream in = Files.newInputStream(segment);
        SegmentReader reader = SegmentReader.withoutPictures(in)) {
      long last = reader.header().startedAt();
      for (SegmentEvent e = reader.next(); e != null; e = reader.next()) {
        last = Math.max(last, e.time());
      }
      return last;
    }
  }

  @Override
  public void close() throws InterruptedException {
    threads.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
  }
}
