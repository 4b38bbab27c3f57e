package cz.zoom.screenrec.encode;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

/** Loads FFmpeg's natives once per JVM. */
final class Natives {
  /**
   * RGB to yuv420p and back: swscale's default (bilinear, fast rounding) costs about 2 dB on sharp
   * text; accurate rounding and full chroma interpolation cost little at 5 fps.
   */
  static final int SWS_FLAGS =
      Integer.getInteger(
          "screenrec.swsFlags",
          swscale.SWS_BICUBIC
              | swscale.SWS_ACCURATE_RND
              | swscale.SWS_FULL_CHR_H_INT
              | swscale.SWS_FULL_CHR_H_INP);

  private static volatile boolean loaded;

  private Natives() {}

  static void load() {
    if (loaded) {
      return;
    }
    synchronized (Natives.class) {
      if (!loaded) {
        Loader.load(avutil.class);
        Loader.load(avcodec.class);
        Loader.load(avformat.class);
        Loader.load(swscale.class);
        // FFmpeg prints every option and warning to stderr otherwise.
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        loaded = true;
      }
    }
  }
}
