package cz.zoom.screenrec.server.replay.export;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cz.zoom.screenrec.encode.VideoProbe;
import cz.zoom.screenrec.server.evidence.Sealer;
import cz.zoom.screenrec.server.storage.OwnerOnly;
import cz.zoom.screenrec.trust.Evidence;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs exports one at a time on a worker thread. Jobs and their files live in memory and in {@code
 * <data-dir>/exports} until {@link #KEEP} after they finish; a restart forgets them (the folder is
 * emptied), so an export is something to download soon, not an archive. Each export is sealed: its
 * evidence names the file and carries the evidence of every recording and audio it was made from.
 */
public final class ExportService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportService.class);
  static final Duration KEEP = Duration.ofHours(24);

  /** Fetches the media an export needs; may download a peer's files into the work folder. */
  @FunctionalInterface
  public interface Plan {
    Inputs prepare(Path workDir) throws IOException, InterruptedException;
  }

  /** What goes into one export, and the evidence of each source. */
  public record Inputs(
      List<CallExporter.VideoInput> videos,
      List<CallExporter.AudioInput> audios,
      long from,
      long to,
      List<Source> sources) {}

  /** A recording's or a call audio's evidence file, as its cluster sealed it. */
  public record Source(String kind, String id, String clusterId, String evidence) {}

  private final Path dir;
  private final CallExporter exporter;
  private final Sealer sealer;
  private final Clock clock;
  private final Map<String, ExportJob> jobs = new ConcurrentHashMap<>();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "export");
            t.setDaemon(true);
            return t;
          });

  public ExportService(Path dir, CallExporter exporter, Sealer sealer, Clock clock)
      throws IOException {
    this.dir = OwnerOnly.directories(dir);
    OwnerOnly.restrict(this.dir);
    this.exporter = exporter;
    this.sealer = sealer;
    this.clock = clock;
    try (Stream<Path> stale = Files.list(this.dir)) {
      for (Path p : stale.toList()) {
        deleteTree(p);
      }
    }
  }

  public ExportJob start(String callId, String username, Plan plan) {
    forgetOld();
    String id = UUID.randomUUID().toString();
    ExportJob job =
        new ExportJob(
            id, callId, username, clock.millis(), dir.resolve(id + "." + CallExporter.EXTENSION));
    jobs.put(id, job);
    worker.submit(() -> run(job, plan));
    return job;
  }

  public Optional<ExportJob> find(String id) {
    return Optional.ofNullable(jobs.get(id));
  }

  private void run(ExportJob job, Plan plan) {
    long began = System.nanoTime();
    Path work = dir.resolve(job.id() + ".work");
    Path part = dir.resolve(job.id() + ".part." + CallExporter.EXTENSION);
    try {
      OwnerOnly.directories(work);
      Inputs in = plan.prepare(work);
      job.progress(0.05);
      exporter.export(
          in.videos(), in.audios(), in.from(), in.to(), part, p -> job.progress(0.05 + 0.9 * p));
      verify(part, in.to() - in.from());
      // FFmpeg made the file with the process umask
      OwnerOnly.restrict(part);
      seal(job, in, part);
      Files.move(part, job.file());
      job.done(clock.millis());
      log.info(
          "export {} of call {} for {}: {} ms of call in {} ms, {} bytes",
          job.id(),
          job.callId(),
          job.username(),
          in.to() - in.from(),
          (System.nanoTime() - began) / 1_000_000,
          Files.size(job.file()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      job.failed("the server is shutting down", clock.millis());
    } catch (Exception e) {
      log.warn("export {} of call {} failed", job.id(), job.callId(), e);
      job.failed(e.getMessage() == null ? e.toString() : e.getMessage(), clock.millis());
    } finally {
      deleteTree(work);
      deleteTree(part);
    }
  }

  private void seal(ExportJob job, Inputs in, Path file) throws IOException {
    ObjectNode m = sealer.manifest(Evidence.EXPORT);
    m.put("exportId", job.id());
    m.put("callId", job.callId());
    m.put("exportedBy", job.username());
    m.put("from", in.from());
    m.put("to", in.to());
    m.set("export", Sealer.part(job.fileName(), file));
    ArrayNode sources = m.putArray("sources");
    for (Source s : in.sources()) {
      sources
          .addObject()
          .put("kind", s.kind())
          .put("id", s.id())
          .put("clusterId", s.clusterId())
          .put("evidence", s.evidence());
    }
    sealer.write(m, job.evidence());
  }

  /**
   * Reads the file back: a decodable video stream and an audio stream of about the planned length.
   */
  private static void verify(Path file, long expectedMs) throws IOException {
    VideoProbe.Info info = VideoProbe.probe(file);
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.start();
      if (!g.hasAudio() || g.getAudioChannels() < 1) {
        throw new IOException("the exported file has no audio stream");
      }
    }
    if (Math.abs(info.durationMs() - expectedMs) > 1_000) {
      throw new IOException(
          "the exported file lasts " + info.durationMs() + " ms, not " + expectedMs + " ms");
    }
  }

  private void forgetOld() {
    long before = clock.millis() - KEEP.toMillis();
    jobs.values()
        .removeIf(
            j -> {
              if (j.state() != ExportJob.State.RUNNING && j.finishedAt() < before) {
                deleteTree(j.file());
                deleteTree(j.evidence());
                return true;
              }
              return false;
            });
  }

  private static void deleteTree(Path p) {
    try {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          for (Path c : s.toList()) {
            deleteTree(c);
          }
        }
      }
      Files.deleteIfExists(p);
    } catch (IOException e) {
      log.warn("could not delete {}: {}", p, e.toString());
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
