package cz.zoom.screenrec.encode;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The output formats the encoder can produce, each tuned for screen content: mostly static pictures
 * with sharp text, where spending bits on unchanged areas is waste. All of them are written as
 * yuv420p because browsers do not reliably play the 4:4:4 profiles encoders would otherwise pick
 * for RGB input. The FFmpeg build used (org.bytedeco, LGPL) has no libx264, so H.264 goes through
 * Cisco's OpenH264.
 */
public enum VideoCodec {
  /**
   * VP9 in WebM (libvpx, realtime): plays in every current browser, including Debian's Chromium.
   */
  VP9_WEBM("vp9", "libvpx-vp9", "webm", "webm", "video/webm") {
    @Override
    Map<String, String> videoOptions(int quality, int threads) {
      Map<String, String> o = new LinkedHashMap<>();
      // realtime + high cpu-used: screen content changes little between frames, so the slow
      // modes buy almost nothing but cost many times the CPU.
      o.put("deadline", "realtime");
      o.put("cpu-used", "8");
      o.put("crf", Integer.toString(crfFor(quality, 60, 10)));
      o.put("row-mt", "1");
      o.put("tune-content", "screen");
      o.put("lag-in-frames", "0");
      o.put("threads", Integer.toString(threads));
      return o;
    }
  },
  /**
   * H.264 in MP4 (OpenH264), moov atom first so playback can start before the whole file arrived.
   */
  H264_MP4("h264", "libopenh264", "mp4", "mp4", "video/mp4") {
    @Override
    Map<String, String> videoOptions(int quality, int threads) {
      Map<String, String> o = new LinkedHashMap<>();
      // OpenH264 has no constant-quality mode; a QP ceiling keeps text legible when the
      // bitrate target would otherwise smear a window change.
      o.put("rc_mode", "quality");
      o.put("allow_skip_frames", "0");
      o.put("qmin", "10");
      o.put("qmax", Integer.toString(crfFor(quality, 45, 18)));
      o.put("threads", Integer.toString(threads));
      return o;
    }

    @Override
    int bitrate(int quality, int width, int height, int fps) {
      // Target for bursts (window changes); static stretches come out far below it.
      double bitsPerPixelSecond = 0.05 + quality * 0.004;
      return (int) Math.min(20_000_000, Math.max(100_000, bitsPerPixelSecond * width * height));
    }

    @Override
    Map<String, String> formatOptions() {
      return Map.of("movflags", "+faststart");
    }
  },
  /**
   * AV1 in WebM (libaom realtime, screen tools): the smallest files, at more encode CPU than VP9.
   */
  AV1_WEBM("av1", "libaom-av1", "webm", "webm", "video/webm") {
    @Override
    Map<String, String> videoOptions(int quality, int threads) {
      Map<String, String> o = new LinkedHashMap<>();
      o.put("usage", "realtime");
      o.put("cpu-used", "8");
      o.put("crf", Integer.toString(crfFor(quality, 63, 15)));
      o.put("row-mt", "1");
      o.put("tune-content", "screen");
      o.put("lag-in-frames", "0");
      o.put("threads", Integer.toString(threads));
      return o;
    }
  };

  private final String id;
  private final String encoderName;
  private final String format;
  private final String extension;
  private final String contentType;

  VideoCodec(String id, String encoderName, String format, String extension, String contentType) {
    this.id = id;
    this.encoderName = encoderName;
    this.format = format;
    this.extension = extension;
    this.contentType = contentType;
  }

  /** Short name used on the command line and in the API: vp9, h264, av1. */
  public String id() {
    return id;
  }

  /** FFmpeg encoder name. */
  public String encoderName() {
    return encoderName;
  }

  /** FFmpeg muxer name. */
  public String format() {
    return format;
  }

  /** File extension without the dot. */
  public String extension() {
    return extension;
  }

  /** HTTP Content-Type of the encoded file. */
  public String contentType() {
    return contentType;
  }

  /** Parses {@link #id()} (vp9, h264, av1) or the enum name, case-insensitively. */
  public static VideoCodec fromId(String text) {
    if (text != null) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      for (VideoCodec c : values()) {
        if (c.id.equals(t) || c.name().toLowerCase(Locale.ROOT).equals(t)) {
          return c;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown video codec '" + text + "': expected vp9, h264 or av1");
  }

  /** Private options of the FFmpeg encoder for a quality 0..100. */
  abstract Map<String, String> videoOptions(int quality, int threads);

  /** Target bit rate in bit/s, 0 for constant-quality modes. */
  int bitrate(int quality, int width, int height, int fps) {
    return 0;
  }

  /** Muxer options. */
  Map<String, String> formatOptions() {
    return Map.of();
  }

  /** Maps quality 0 (worst) .. 100 (best) linearly onto a quantiser range; 50 lands mid-way. */
  static int crfFor(int quality, int worst, int best) {
    return (int) Math.round(worst + (best - worst) * (quality / 100.0));
  }
}
