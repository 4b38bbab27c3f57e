package cz.zoom.screenrec.systemtest.lossy;

import cz.zoom.screenrec.testkit.ManagedProcess;
import cz.zoom.screenrec.testkit.VideoClips;
import cz.zoom.screenrec.testkit.XvfbDisplay;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A natural-looking clip for a real player (FFmpeg: a fractal zoom softened as a camera would, with
 * film grain, encoded with x264 at crf 23), with its frame number drawn as a 9-bit bar code along
 * its top 16 rows, kept losslessly (FFV1 RGB) so that what the player shows is known pixel for
 * pixel: {@link #frame} gives the picture of frame N, {@link #frameNumber} reads N back from a
 * screen.
 */
final class PlayerClip {
  static final int W = 854;
  static final int H = 480;
  static final int BAR_ROWS = 16;
  static final int BITS = 9;
  static final int BAR_WIDTH = 32;

  final Path file;
  final int frames;
  private final Path raw;

  private PlayerClip(Path file, Path raw, int frames) {
    this.file = file;
    this.raw = raw;
    this.frames = frames;
  }

  static PlayerClip make(Path dir, int seconds) throws Exception {
    Path lossy = dir.resolve("clip-x264.mp4");
    run(dir, VideoClips.make(W, H, seconds, lossy));
    String bit = "255*mod(floor(N/pow(2,floor(X/" + BAR_WIDTH + "))),2)";
    String bar = "if(lt(Y," + BAR_ROWS + "),if(lt(X," + BITS * BAR_WIDTH + ")," + bit + ",0),";
    Path clip = dir.resolve("clip.mkv");
    ffmpeg(
        dir,
        lossy,
        List.of(
            "-vf",
            "format=gbrp,geq=r='" + bar + "r(X,Y))':g='" + bar + "g(X,Y))':b='" + bar + "b(X,Y))'",
            "-c:v",
            "ffv1",
            "-pix_fmt",
            "bgr0",
            clip.toString()));
    Path raw = dir.resolve("clip.rgb");
    ffmpeg(dir, clip, List.of("-f", "rawvideo", "-pix_fmt", "rgb24", raw.toString()));
    int frames = (int) (raw.toFile().length() / (W * H * 3L));
    return new PlayerClip(clip, raw, frames);
  }

  /** ffplay showing the clip in a borderless window at (x, y), looping, until closed. */
  ManagedProcess play(XvfbDisplay display, int x, int y, Path log) {
    return ManagedProcess.start(
        "ffplay",
        VideoClips.play(file, x, y),
        Map.of("DISPLAY", display.name(), "SDL_AUDIODRIVER", "dummy"),
        log);
  }

  /** Frame {@code n} of the clip as 0xRRGGBB pixels. */
  int[] frame(int n) throws IOException {
    byte[] b = new byte[W * H * 3];
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "r")) {
      f.seek((long) Math.floorMod(n, frames) * b.length);
      f.readFully(b);
    }
    int[] px = new int[W * H];
    for (int i = 0; i < px.length; i++) {
      px[i] = (b[3 * i] & 0xFF) << 16 | (b[3 * i + 1] & 0xFF) << 8 | (b[3 * i + 2] & 0xFF);
    }
    return px;
  }

  /** The frame number the bar code of a clip shown at (x, y) of a screen says. */
  static int frameNumber(int[] screen, int stride, int x, int y) {
    int n = 0;
    for (int b = 0; b < BITS; b++) {
      int p = screen[(y + BAR_ROWS / 2) * stride + x + b * BAR_WIDTH + BAR_WIDTH / 2];
      if (((p >> 8) & 0xFF) > 128) {
        n |= 1 << b;
      }
    }
    return n;
  }

  /** ffmpeg reading {@code input} with {@code args} after it. */
  private static void ffmpeg(Path dir, Path input, List<String> args) throws Exception {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-nostdin",
                "-y",
                "-i",
                input.toString()));
    cmd.addAll(args);
    run(dir, cmd);
  }

  private static void run(Path dir, List<String> cmd) throws Exception {
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("ffmpeg.log").toFile())
            .start();
    if (!p.waitFor(3, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("ffmpeg failed: " + String.join(" ", cmd));
    }
  }
}
