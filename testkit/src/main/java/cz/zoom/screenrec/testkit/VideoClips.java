package cz.zoom.screenrec.testkit;

import java.nio.file.Path;
import java.util.List;

/**
 * The natural-looking video the capture bench and the system tests show in a real player: made with
 * FFmpeg (a fractal zoom softened as a camera would, Gaussian blur sigma 2.5, moving colours, film
 * grain that changes every frame, encoded with x264 at crf 23, 25 fps) and played with ffplay in a
 * borderless window, looping.
 */
public final class VideoClips {
  private VideoClips() {}

  /** The FFmpeg command that writes a {@code width} x {@code height} clip to {@code out}. */
  public static List<String> make(int width, int height, int seconds, Path out) {
    return List.of(
        "ffmpeg",
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-y",
        "-f",
        "lavfi",
        "-i",
        "mandelbrot=s=" + width + "x" + height + ":rate=25:end_scale=0.0005:maxiter=300",
        "-t",
        String.valueOf(seconds),
        "-vf",
        "gblur=sigma=2.5,hue=h=t*9,noise=alls=5:allf=t",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "23",
        "-pix_fmt",
        "yuv420p",
        out.toString());
  }

  /** The ffplay command that shows {@code clip} at its own size with its top left at (x, y). */
  public static List<String> play(Path clip, int x, int y) {
    return List.of(
        "ffplay",
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostats",
        "-an",
        "-sn",
        "-noborder",
        "-left",
        String.valueOf(x),
        "-top",
        String.valueOf(y),
        "-loop",
        "0",
        clip.toString());
  }
}
