package cz.zoom.screenrec.client.upload;

import cz.zoom.screenrec.client.budget.UploadBudget;
import cz.zoom.screenrec.client.enrollment.DesktopTls;
import cz.zoom.screenrec.client.spool.Manifest;
import cz.zoom.screenrec.client.spool.Spool;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves spooled segments to the Media Upload Server on one background daemon thread: per recording
 * in index order, deleting each file only after a 2xx, retrying with backoff when the server is
 * unavailable, and setting aside files the server refuses. Woken whenever a segment is spooled;
 * also looks at the spool every poll interval (segments of an earlier run, new tokens).
 */
public final class Uploader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Uploader.class);

  private final Spool spool;
  private final SegmentPut put;
  private final Duration pollInterval;
  private final Duration retryInitial;
  private final Duration retryMax;
  private final Map<String, Retry> retries = new HashMap<>();

  /**
   * Recordings whose upload target changed since the upload thread last looked: their backoff no
   * longer applies.
   */
  private final Set<String> retargeted = ConcurrentHashMap.newKeySet();

  private final Object wakeLock = new Object();
  private final ExecutorService httpThreads;
  private final Thread thread;
  private boolean woken;
  private volatile boolean running = true;

  private record Retry(long notBefore, long delayMs) {}

  public Uploader(
      Spool spool,
      Duration pollInterval,
      Duration retryInitial,
      Duration retryMax,
      DesktopTls tls) {
    this(spool, pollInterval, retryInitial, retryMax, tls, new UploadBudget(0));
  }

  /** An uploader that holds every upload, backlog included, to {@code budget}. */
  public Uploader(
      Spool spool,
      Duration pollInterval,
      Duration retryInitial,
      Duration retryMax,
      DesktopTls tls,
      UploadBudget budget) {
    this.spool = spool;
    this.pollInterval = pollInterval;
    this.retryInitial = retryInitial;
    this.retryMax = retryMax;
    this.httpThreads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "upload-http");
              t.setDaemon(true);
              return t;
            });
    HttpClient http =
        tls.https(HttpClient.newBuilder())
            // HTTP/1.1: over HTTP/2 the client holds body bytes back for flow control and sends
            // them in a burst later, which the budget's pacing cannot see
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(httpThreads)
            .build();
    this.put = new SegmentPut(http, Duration.ofMinutes(5), budget);
    this.thread = new Thread(this::run, "segment-uploader");
    this.thread.setDaemon(true);
    spool.onSegmentSpooled(this::wake);
    spool.onUploadTargetChanged(this::retryNow);
  }

  /** Polls every 5 s, retries after 1 s doubling to 60 s, every upload held to {@code budget}. */
  public static Uploader withDefaults(Spool spool, DesktopTls tls, UploadBudget budget) {
    return new Uploader(
        spool, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(60), tls, budget);
  }

  public void start() {
    thread.start();
  }

  /** Something new is in the spool: look now instead of at the next poll. */
  public void wake() {
    synchronized (wakeLock) {
      woken = true;
      wakeLock.notifyAll();
    }
  }

  /**
   * A recording got a new upload target (another server took it over): forget its backoff and try
   * at once.
   */
  public void retryNow(String recordingId) {
    retargeted.add(recordingId);
    wake();
  }

  /**
   * Stops uploading, waits (boundedly) until the thread no longer touches the spool, and ends the
   * HTTP threads.
   */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    httpThreads.shutdownNow();
  }

  private void run() {
    while (running) {
      long wait = pollInterval.toMillis();
      try {
        wait = Math.min(wait, uploadAll());
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        log.error("upload round failed; trying again in {} ms", wait, e);
      }
      try {
        awaitWork(wait);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private void awaitWork(long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + Math.max(1, millis);
    synchronized (wakeLock) {
      while (!woken && running) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          break;
        }
        wakeLock.wait(left);
      }
      woken = false;
    }
  }

  /** One pass over the spool. Returns how long until a backed-off recording may be tried again. */
  private long uploadAll() throws IOException, InterruptedException {
    long now = System.currentTimeMillis();
    long nextDue = Long.MAX_VALUE;
    List<String> recordings = new ArrayList<>(spool.recordings());
    retries.keySet().retainAll(recordings);
    // the live recording first, then one backlog segment at a time, so that a long backlog after
    // an outage never holds back what is being recorded now
    String live = spool.liveRecording().orElse(null);
    if (live != null && recordings.remove(live)) {
      recordings.add(0, live);
    }
    for (String recordingId : recordings) {
      Retry retry = retargeted.remove(recordingId) ? null : retries.get(recordingId);
      if (retry != null && retry.notBefore() > now) {
        nextDue = Math.min(nextDue, retry.notBefore() - now);
        continue;
      }
      boolean backlog = !recordingId.equals(live);
      int[] left = {0};
      if (uploadRecording(recordingId, backlog ? 1 : Integer.MAX_VALUE, left)) {
        retries.remove(recordingId);
        if (left[0] > 0) {
          return 0; // more backlog: a new pass, which looks at the live recording first
        }
      } else {
        long delay =
            retry == null
                ? retryInitial.toMillis()
                : Math.min(retry.delayMs() * 2, retryMax.toMillis());
        retries.put(recordingId, new Retry(System.currentTimeMillis() + delay, delay));
        nextDue = Math.min(nextDue, delay);
      }
    }
    return nextDue;
  }

  /**
   * Uploads what is spooled for one recording, in order. False when the server should be retried
   * later.
   */
  private boolean uploadRecording(String recordingId, int most, int[] left)
      throws IOException, InterruptedException {
    List<Integer> segments = spool.segments(recordingId);
    if (segments.size() > most) {
      left[0] = segments.size() - most;
      segments = segments.subList(0, most);
    }
    if (segments.isEmpty() && spool.isFullyUploaded(recordingId)) {
      // the client stopped between deleting the final segment and clearing the directory
      spool.remove(recordingId);
      return true;
    }
    for (int index : segments) {
      // read per segment: the final index or the upload target may have changed meanwhile
      Optional<Manifest> manifest = spool.manifest(recordingId);
      if (manifest.isEmpty()) {
        return true;
      }
      if (!uploadSegment(manifest.get(), index)) {
        return false;
      }
      if (manifest.get().finalIndex() != null && manifest.get().finalIndex() == index) {
        spool.remove(recordingId);
        log.info("recording {}: all segments uploaded, spool cleared", recordingId);
        return true;
      }
    }
    return true;
  }

  /**
   * PUTs one segment; true when it has left the spool (stored, or set aside), false to retry later.
   * A failure from the old target after a new server took the recording over (its token replaced
   * the old one, or the old MUS is gone) says nothing about the new target: the segment is sent
   * again at once to the new one instead of being backed off or set aside.
   */
  private boolean uploadSegment(Manifest first, int index)
      throws IOException, InterruptedException {
    Manifest manifest = first;
    String id = manifest.recordingId();
    while (true) {
      Attempt attempt = put(manifest, index);
      if (attempt.outcome() == UploadOutcome.STORED) {
        spool.delete(id, index);
        log.debug("recording {}: segment {} stored ({})", id, index, attempt.status());
        return true;
      }
      Optional<Manifest> now = spool.manifest(id);
      if (now.isEmpty()) {
        return true;
      }
      if (!sameTarget(manifest, now.get())) {
        log.info(
            "recording {}: segment {} goes to the new upload target {}",
            id,
            index,
            now.get().uploadUrl());
        manifest = now.get();
        continue;
      }
      if (attempt.outcome() == UploadOutcome.RETRY) {
        log.warn(
            "recording {}: segment {} not uploaded to {}, will retry: {}",
            id,
            index,
            manifest.uploadUrl(),
            attempt.detail());
        return false;
      }
      var kept = spool.quarantine(id, index);
      log.error(
          "recording {}: MUS REFUSED segment {} ({}); the file is kept at {} and must be handled by hand",
          id,
          index,
          attempt.detail(),
          kept);
      return true;
    }
  }

  private record Attempt(UploadOutcome outcome, int status, String detail) {}

  private Attempt put(Manifest manifest, int index) throws IOException, InterruptedException {
    String id = manifest.recordingId();
    try {
      SegmentPut.Result result = put.send(manifest, index, spool.segmentFile(id, index));
      return new Attempt(
          UploadOutcome.of(result.status()),
          result.status(),
          result.status() + " " + result.body());
    } catch (IOException e) {
      return new Attempt(UploadOutcome.RETRY, 0, e.toString());
    } catch (IllegalArgumentException e) {
      // an upload URL the HTTP client cannot use will not get better by waiting
      return new Attempt(
          UploadOutcome.REJECTED,
          0,
          "upload URL '" + manifest.uploadUrl() + "' is unusable: " + e.getMessage());
    }
  }

  private static boolean sameTarget(Manifest a, Manifest b) {
    return Objects.equals(a.uploadUrl(), b.uploadUrl())
        && Objects.equals(a.uploadToken(), b.uploadToken());
  }
}
