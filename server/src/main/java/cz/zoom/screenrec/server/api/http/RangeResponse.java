package cz.zoom.screenrec.server.api.http;

import io.javalin.http.Context;
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
 * elements ask for. {@code bytes=a-b}, {@code bytes=a-} and {@code bytes=-n} → 206; outside the file → 416.
 */
public final class RangeResponse {
  private static final Pattern SINGLE_RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

  private RangeResponse() {}

  public static void serve(Context ctx, Path file, String contentType) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      long start = 0;
      long end = size - 1;
      String range = ctx.header("Range");
      ctx.header("Accept-Ranges", "bytes");
      ctx.contentType(contentType);
      if (range != null) {
        Matcher m = SINGLE_RANGE.matcher(range.strip());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
          unsatisfiable(ctx, size);
          return;
        }
        try {
          if (m.group(1).isEmpty()) {
            start = Math.max(0, size - Long.parseLong(m.group(2)));
          } else {
            start = Long.parseLong(m.group(1));
            if (!m.group(2).isEmpty()) {
              end = Math.min(end, Long.parseLong(m.group(2)));
            }
          }
        } catch (NumberFormatException e) {
          unsatisfiable(ctx, size);
          return;
        }
        if (start >= size || start > end) {
          unsatisfiable(ctx, size);
          return;
        }
        ctx.status(206).header("Content-Range", "bytes " + start + "-" + end + "/" + size);
      }
      long length = end - start + 1;
      ctx.header("Content-Length", Long.toString(length));
      OutputStream out = ctx.outputStream();
      channel.position(start);
      try (InputStream in = Channels.newInputStream(channel)) {
        byte[] buf = new byte[64 * 1024];
        long left = length;
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

  private static void unsatisfiable(Context ctx, long size) {
    ctx.status(416).header("Content-Range", "bytes */" + size)
        .json(java.util.Map.of("error", "range_not_satisfiable", "message", "the file has " + size + " bytes"));
  }
}
