package cz.zoom.screenrec.server.encode;

import cz.zoom.screenrec.encode.EncodedVideo;
import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.format.SegmentEvent;
import cz.zoom.screenrec.format.SegmentReader;
import cz.zoom.screenrec.server.recording.Recording;
import cz.zoom.screenrec.server.recording.RecordingStatus;
import cz.zoom.screenrec.server.recording.RecordingStore;
import cz.zoom.screenrec.server.storage.LocalMediaStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of encoder threads. Each job turns one recording's segments into a video and thumbnail,
 * verifies the result, and only then marks the recording READY. Raw segments are kept.
 */
public final class EncodeWorkers implements Consumer<String>, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EncodeWorkers.class);

  private final RecordingStore store;
  private final LocalMediaStore media;
  private final RecordingEncoder encoder;
  private final Clock clock;
  private final ExecutorService pool;
  private final Timer encodeTimer;
  private final AtomicInteger queued = new AtomicInteger();

  public EncodeWorkers(RecordingStore store, LocalMediaStore media, RecordingEncoder encoder, int threads,
      MeterRegistry metrics, Clock clock) {
    this.store = store;
    this.media = media;
    this.encoder = encoder;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "encoder-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.encodeTimer = metrics.timer("screenrec.encode.duration");
    metrics.gauge("screenrec.encode.queued", queued);
  }

  /** Queues a recording that is in ENCODING. */
  @Override
  public void accept(String recordingId) {
    queued.incrementAndGet();
    pool.execute(() -> {
      queued.decrementAndGet();
      encodeTimer.record(() -> encode(recordingId));
    });
  }

  /**
   * Loads FFmpeg's natives on an encoder thread (a few hundred ms, more on a first run that unpacks
   * them), so the first recording does not pay for it; then re-queues whatever was being encoded
   * when the server last stopped.
   */
  public void resumeInterrupted() {
    pool.execute(RecordingEncoder::preload);
    for (Recording r : store.findByStatus(RecordingStatus.ENCODING)) {
      log.info("recording {}: resuming interrupted encoding", r.id());
      accept(r.id());
    }
  }

  private void encode(String recordingId) {
    try {
      Recording r = store.findRecording(recordingId).orElseThrow();
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
      long startedAt = r.captureStartedAt() != null ? r.captureStartedAt() : firstSegmentStart(present.get(0));
      long endedAt = r.captureEndedAt() != null ? r.captureEndedAt() : lastEventTime(present.get(present.size() - 1));
      if (endedAt <= startedAt) {
        store.fail(recordingId, "recording has no duration (" + startedAt + ".." + endedAt + ")", clock.millis());
        return;
      }
      long t0 = System.nanoTime();
      EncodedVideo video = encoder.encode(segments, startedAt, endedAt, media.recordingDir(recordingId));
      verify(video, encoder.settings().fps());
      store.ready(recordingId, video.codec().id(), video.bytes(), video.durationMs(), startedAt, endedAt, clock.millis());
      log.info("recording {}: READY, {} {} bytes, {} ms of video, encoded in {} ms", recordingId,
          video.codec().id(), video.bytes(), video.durationMs(), (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      // an Error escaping here would kill the worker and leave the recording ENCODING for ever
      log.error("recording {}: encoding failed", recordingId, e);
      store.fail(recordingId, "encoding failed: " + e, clock.millis());
    }
  }

  /** Reads the file back before anyone is told it is playable: every frame there, duration right. */
  private static void verify(EncodedVideo video, int fps) throws IOException {
    if (!Files.isRegularFile(video.video()) || Files.size(video.video()) != video.bytes()) {
      throw new IOException("encoded file is missing or has the wrong size: " + video.video().getFileName());
    }
    VideoProbe.Info info = VideoProbe.probe(video.video());
    long frameMs = 1000L / fps;
    if (info.frames() != video.frames() || Math.abs(info.durationMs() - video.durationMs()) > frameMs) {
      throw new IOException("encoded file does not read back as written: " + info.frames() + " frames / "
          + info.durationMs() + " ms, expected " + video.frames() + " / " + video.durationMs());
    }
  }

  private static long firstSegmentStart(Path segment) throws IOException {
    try (InputStream in = Files.newInputStream(segment); SegmentReader reader = new SegmentReader(in)) {
      return reader.header().startedAt();
    }
  }

  private static long lastEventTime(Path segment) throws IOException {
    try (InputStream in = Files.newInputStream(segment); SegmentReader reader = new SegmentReader(in)) {
      long last = reader.header().startedAt();
      for (SegmentEvent e = reader.next(); e != null; e = reader.next()) {
        last = Math.max(last, e.time());
      }
      return last;
    }
  }

  @Override
  public void close() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }
}
