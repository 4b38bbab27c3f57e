package cz.zoom.screenrec.server.http;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves a file with HTTP byte ranges (RFC 9110 §14): one range per request, which is what media
 * elements ask for. {@code bytes=a-b} and {@code bytes=-n} are answered exactly; an open-ended
 * {@code bytes=a-} gets at most {@link #OPEN_RANGE_CHUNK} bytes (the Content-Range says which), so
 * a paused player never holds a connection open on a long download — browsers allow six per host,
 * and a page opened again would wait for them. Outside the file → 416.
 */
public final class RangeResponse {
  /** Largest answer to an open-ended range; players ask for the next piece when they need it. */
  public static final long OPEN_RANGE_CHUNK = 4L * 1024 * 1024;

  private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  /**
   * The bytes to send: {@code [start, end]} inclusive; {@code partial} means 206 with
   * Content-Range.
   */
  record Span(long start, long end, boolean partial) {
    long length() {
      return end - start + 1;
    }
  }

  private RangeResponse() {}

  /**
   * What to send of a file of {@code size} bytes for a Range header (null: the whole file); null
   * when the range cannot be satisfied.
   */
  static Span resolve(String range, long size, long openRangeChunk) {
    if (range == null) {
      return new Span(0, size - 1, false);
    }
    Matcher m = SINGLE_RANGE.matcher(range.strip());
    if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
      return null;
    }
    long start;
    long end = size - 1;
    try {
      if (m.group(1).isEmpty()) {
        start = Math.max(0, size - Long.parseLong(m.group(2)));
      } else {
        start = Long.parseLong(m.group(1));
        end =
            m.group(2).isEmpty()
                ? Math.min(end, start + openRangeChunk - 1)
                : Math.min(end, Long.parseLong(m.group(2)));
      }
    } catch (NumberFormatException e) {
      return null;
    }
    if (start >= size || start > end) {
      return null;
    }
    return new Span(start, end, true);
  }

  public static void serve(Context ctx, Path file, String contentType) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      // the byte counts below are of the file: a compressed body would not match them (and a
      // browser asks for compression of anything not image, audio or video, segments included)
      ctx.disableCompression();
      // media files hold bytes a desktop uploaded: never let a browser take them for a page
      ctx.header("X-Content-Type-Options", "nosniff");
      ctx.header("Content-Security-Policy", "sandbox");
      ctx.header("Accept-Ranges", "bytes");
      ctx.contentType(contentType);
      Span span = resolve(ctx.header("Range"), size, OPEN_RANGE_CHUNK);
      if (span == null) {
        ctx.status(416)
            .header("Content-Range", "bytes */" + size)
            .json(
                java.util.Map.of(
                    "error",
                    "range_not_satisfiable",
                    "message",
                    "the file has " + size + " bytes"));
        return;
      }
      if (span.partial()) {
        ctx.status(206)
            .header("Content-Range", "bytes " + span.start() + "-" + span.end() + "/" + size);
      }
      ctx.header("Content-Length", Long.toString(span.length()));
      if (HandlerType.HEAD.equals(ctx.method())) {
        return;
      }
      OutputStream out = ctx.outputStream();
      channel.position(span.start());
      try (InputStream in = Channels.newInputStream(channel)) {
        byte[] buf = new byte[64 * 1024];
        long left = span.length();
        while (left > 0) {
          int n = in.read(buf, 0, (int) Math.min(buf.length, left));
          if (n < 0) {
            break;
          }
          out.write(buf, 0, n);
          left -= n;
        }
      }
    }
  }
}
