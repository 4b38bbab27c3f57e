package cz.zoom.screenrec.encode;

import java.util.Objects;

/**
 * How recordings are encoded.
 *
 * @param codec output codec and container
 * @param fps output frame rate, 1..60; the video is constant-rate at this rate
 * @param quality 0 (smallest) .. 100 (best); 50 is the tuned default for each codec
 * @param threads encoder threads per encode, 1..16
 * @param maxWidth canvases wider than this (several monitors) are scaled down by a whole factor
 * @param maxHeight canvases taller than this are scaled down by a whole factor
 */
public record EncoderSettings(
    VideoCodec codec, int fps, int quality, int threads, int maxWidth, int maxHeight) {
  public static final int DEFAULT_FPS = 5;
  public static final int DEFAULT_QUALITY = 50;
  public static final int DEFAULT_MAX_WIDTH = 3840;
  public static final int DEFAULT_MAX_HEIGHT = 2160;

  public EncoderSettings {
    Objects.requireNonNull(codec, "codec must not be null");
    if (fps < 1 || fps > 60) {
      throw new IllegalArgumentException("fps must be 1..60, was " + fps);
    }
    if (quality < 0 || quality > 100) {
      throw new IllegalArgumentException("quality must be 0..100, was " + quality);
    }
    if (threads < 1 || threads > 16) {
      throw new IllegalArgumentException("threads must be 1..16, was " + threads);
    }
    if (maxWidth < 16 || maxWidth > 8192) {
      throw new IllegalArgumentException("maxWidth must be 16..8192, was " + maxWidth);
    }
    if (maxHeight < 16 || maxHeight > 8192) {
      throw new IllegalArgumentException("maxHeight must be 16..8192, was " + maxHeight);
    }
  }

  /** VP9 WebM at 5 fps, default quality, two encoder threads. */
  public static EncoderSettings defaults() {
    return of(VideoCodec.VP9_WEBM, DEFAULT_FPS);
  }

  public static EncoderSettings of(VideoCodec codec, int fps) {
    return new EncoderSettings(
        codec, fps, DEFAULT_QUALITY, 2, DEFAULT_MAX_WIDTH, DEFAULT_MAX_HEIGHT);
  }

  public EncoderSettings withCodec(VideoCodec c) {
    return new EncoderSettings(c, fps, quality, threads, maxWidth, maxHeight);
  }

  public EncoderSettings withFps(int f) {
    return new EncoderSettings(codec, f, quality, threads, maxWidth, maxHeight);
  }

  public EncoderSettings withQuality(int q) {
    return new EncoderSettings(codec, fps, q, threads, maxWidth, maxHeight);
  }

  public EncoderSettings withThreads(int t) {
    return new EncoderSettings(codec, fps, quality, t, maxWidth, maxHeight);
  }
}
