package cz.zoom.screenrec.client.upload;

import cz.zoom.screenrec.client.budget.UploadBudget;
import cz.zoom.screenrec.client.spool.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** One segment PUT to the Media Upload Server, as the contract defines it. */
final class SegmentPut {
  /** Enough of an error body to log; a hostile server cannot make us buffer more. */
  private static final int MAX_ERROR_BODY = 2048;

  private final HttpClient http;
  private final Duration timeout;

  private final UploadBudget budget;

  SegmentPut(HttpClient http, Duration timeout, UploadBudget budget) {
    this.http = http;
    this.timeout = timeout;
    this.budget = budget;
  }

  record Result(int status, String body) {}

  Result send(Manifest manifest, int index, Path file) throws IOException, InterruptedException {
    boolean last = manifest.finalIndex() != null && manifest.finalIndex() == index;
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(manifest, index))
            .timeout(timeout(Files.size(file)))
            .header("Authorization", "Bearer " + manifest.uploadToken())
            .header("Content-Type", "application/octet-stream")
            .header("X-Segment-Sha256", sha256(file))
            .PUT(paced(file));
    if (last) {
      request.header("X-Segment-Final", "true");
    }
    HttpResponse<InputStream> response =
        http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      return new Result(
          response.statusCode(),
          new String(body.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8));
    }
  }

  /**
   * The request's time limit: the base plus twice what the budget needs for the body, so that a
   * large segment under a small budget is not given up (and sent again) for being paced.
   */
  private Duration timeout(long bytes) {
    int kbps = budget.kbps();
    return kbps == 0 ? timeout : timeout.plusMillis(bytes * 8 * 2 / kbps);
  }

  /** The file as the body, read no faster than the budget (with its length, as before). */
  private HttpRequest.BodyPublisher paced(Path file) throws IOException {
    long size = Files.size(file);
    return HttpRequest.BodyPublishers.fromPublisher(
        HttpRequest.BodyPublishers.ofInputStream(
            () -> {
              try {
                return budget.paced(Files.newInputStream(file));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }),
        size);
  }

  static URI uri(Manifest manifest, int index) {
    String base = manifest.uploadUrl();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + "/recordings/" + manifest.recordingId() + "/segments/" + index);
  }

  static String sha256(Path file) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buf); n > 0; n = in.read(buf)) {
        digest.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
