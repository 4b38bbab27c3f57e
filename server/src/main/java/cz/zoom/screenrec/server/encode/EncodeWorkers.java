package cz.zoom.screenrec.server.encode;

import cz.zoom.screenrec.encode.EncodedVideo;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoCodec;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.recording.Segment;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a READY recording's video when someone asks for it (an export, {@code GET
 * /api/v1/recordings/{id}/video}), once, and keeps the file: recordings are played from their
 * capture segments, so most are never encoded at all (docs/encoding.md).
 *
 * <p>No recording can starve the others. Each encode has a time budget, {@link
 * Bounds#budgetFactor()} times the recording's span plus {@link Bounds#budgetMin()}; one that runs
 * out is stopped and answered as failed. Waiting jobs go shortest first with ageing: a job's turn
 * is when it was asked for plus its span, so a short recording passes a long one asked for shortly
 * before, and a long one waits at most about its own length of newer work. A failed encode is not
 * tried again for {@link #RETRY_FAILED}, so a broken recording is not encoded over and over. At
 * most {@link Bounds#maxWaiting()} encodes wait; past that a new one is refused as {@link
 * VideoState.Busy}, so a caller asking for every recording in turn cannot queue unbounded work.
 */
public final class EncodeWorkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EncodeWorkers.class);
  static final Duration RETRY_FAILED = Duration.ofMinutes(1);

  /**
   * How much one recording may cost.
   *
   * @param budgetFactor encode time allowed per ms of recording
   * @param budgetMin encode time allowed whatever the length
   * @param maxWaiting encodes that may wait for a worker before new ones are refused
   */
  public record Bounds(double budgetFactor, Duration budgetMin, int maxWaiting) {
    Duration budget(long spanMs) {
      return budgetMin.plusMillis((long) Math.min(Long.MAX_VALUE / 2.0, spanMs * budgetFactor));
    }
  }

  /** Where a recording's video is. */
  public sealed interface VideoState {
    /** Encoded: the file to send. */
    record Ready(Path file, VideoCodec codec) implements VideoState {}

    /** Queued or being encoded; {@code progress} is the share done, 0..1. */
    record Encoding(double progress) implements VideoState {}

    /** The last encode failed, {@link #RETRY_FAILED} ago at most. */
    record Failed(String reason) implements VideoState {}

    /** Not started: {@link Bounds#maxWaiting()} encodes are waiting already. */
    record Busy() implements VideoState {}
  }

  private static final class Job implements Comparable<Job> {
    final String recordingId;
    final long turn;
    final long seq;
    final CompletableFuture<Path> done = new CompletableFuture<>();
    volatile double progress;
    volatile long failedAt;

    Job(String recordingId, long turn, long seq) {
      this.recordingId = recordingId;
      this.turn = turn;
      this.seq = seq;
    }

    @Override
    public int compareTo(Job o) {
      int c = Long.compare(turn, o.turn);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final RecordingEncoder encoder;
  private final Bounds bounds;
  private final Clock clock;
  private final PriorityBlockingQueue<Job> queue = new PriorityBlockingQueue<>();

  /** The job of each recording asked for and not yet encoded (or failed recently). */
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();

  private final AtomicLong seq = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private final Timer encodeTimer;

  public EncodeWorkers(
      RecordingStore store,
      LocalMediaStore media,
      RecordingEncoder encoder,
      int threads,
      Bounds bounds,
      MeterRegistry metrics,
      Clock clock) {
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

  /** The video of a READY recording: the file when encoded, else its encode, started if need be. */
  public VideoState video(Recording r) {
    if (r.status() != RecordingStatus.READY) {
      throw new IllegalStateException("recording " + r.id() + " is " + r.status());
    }
    Path file = encodedFile(r);
    if (file != null) {
      return new VideoState.Ready(file, VideoCodec.fromId(r.videoCodec()));
    }
    Job job = job(r);
    if (job == null) {
      return new VideoState.Busy();
    }
    if (job.done.isCompletedExceptionally()) {
      return new VideoState.Failed(reason(job));
    }
    if (job.done.isDone()) {
      return new VideoState.Ready(job.done.join(), encoder.settings().codec());
    }
    return new VideoState.Encoding(job.progress);
  }

  /** The video of a READY recording, waiting up to {@code max} for its encode (exports). */
  public Path awaitVideo(Recording r, Duration max) throws IOException, InterruptedException {
    VideoState now = video(r);
    if (now instanceof VideoState.Ready ready) {
      return ready.file();
    }
    if (now instanceof VideoState.Failed failed) {
      throw new IOException("the video of recording " + r.id() + " failed: " + failed.reason());
    }
    Job job = job(r);
    if (job == null) {
      throw new IOException(
          "the video of recording " + r.id() + " is not encoded: the encoders are busy");
    }
    try {
      return job.done.get(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new IOException(
          "the video of recording " + r.id() + " failed: " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("the video of recording " + r.id() + " took longer than " + max);
    }
  }

  /** The file of an encode that finished before, or null. */
  private Path encodedFile(Recording r) {
    if (r.videoCodec() == null) {
      return null;
    }
    Path file =
        media
            .recordingDir(r.id())
            .resolve("video." + VideoCodec.fromId(r.videoCodec()).extension());
    return Files.isRegularFile(file) ? file : null;
  }

  /** The recording's live job, started if need be; null when too many wait to start one. */
  private Job job(Recording r) {
    return jobs.compute(
        r.id(),
        (id, old) -> {
          if (old != null
              && !(old.done.isCompletedExceptionally()
                  && clock.millis() - old.failedAt > RETRY_FAILED.toMillis())) {
            return old;
          }
          if (queue.size() >= bounds.maxWaiting()) {
            return old;
          }
          Job job = new Job(id, clock.millis() + span(r), seq.incrementAndGet());
          queue.add(job);
          return job;
        });
  }

  private static long span(Recording r) {
    return r.captureStartedAt() == null || r.captureEndedAt() == null
        ? 0
        : Math.max(0, r.captureEndedAt() - r.captureStartedAt());
  }

  private static String reason(Job job) {
    try {
      job.done.join();
      return "";
    } catch (RuntimeException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return cause.getMessage() == null ? cause.toString() : cause.getMessage();
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
      encodeTimer.record(() -> encode(job));
    }
  }

  private void encode(Job job) {
    String id = job.recordingId;
    try {
      Recording r = store.findRecording(id).orElseThrow();
      if (r.status() != RecordingStatus.READY
          || r.captureStartedAt() == null
          || r.captureEndedAt() == null) {
        throw new IOException("recording " + id + " is " + r.status() + ", not playable");
      }
      // asked for again between the last encode's end and its record: that file is the answer
      Path before = encodedFile(r);
      if (before != null) {
        job.progress = 1;
        job.done.complete(before);
        jobs.remove(id, job);
        return;
      }
      List<Path> segments = new ArrayList<>();
      for (Segment s : store.segments(id)) {
        segments.add(media.segmentPath(id, s.index()));
      }
      // a recording made READY after the upload grace may lack segments; those become gaps
      List<Path> present = segments.stream().filter(Files::isRegularFile).toList();
      if (present.isEmpty()) {
        throw new IOException("no segment file is in the media store");
      }
      long from = r.captureStartedAt();
      long to = r.captureEndedAt();
      long t0 = System.nanoTime();
      EncodedVideo video =
          encoder.encode(
              present,
              from,
              to,
              media.recordingDir(id),
              bounds.budget(to - from),
              p -> job.progress = p);
      verify(video, encoder.settings().fps());
      store.videoEncoded(id, video.codec().id(), video.bytes(), clock.millis());
      job.progress = 1;
      job.done.complete(video.video());
      jobs.remove(id, job);
      log.info(
          "recording {}: video encoded on request, {} {} bytes, {} ms of video in {} ms",
          id,
          video.codec().id(),
          video.bytes(),
          video.durationMs(),
          (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      // an Error escaping here would kill the worker and leave the job waiting for ever
      log.error("recording {}: encoding its video failed", id, e);
      job.failedAt = clock.millis();
      job.done.completeExceptionally(e);
    }
  }

  /** Reads the file back before anyone is given it: every frame there, duration right. */
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

  @Override
  public void close() throws InterruptedException {
    threads.forEach(Thread::interrupt);
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    for (Thread t : threads) {
      t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    }
  }
}
