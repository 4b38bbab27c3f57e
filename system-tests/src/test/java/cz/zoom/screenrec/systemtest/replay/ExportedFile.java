package cz.zoom.screenrec.systemtest.replay;

import cz.zoom.screenrec.encode.VideoProbe;
import java.io.IOException;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * What an exported call file holds, read back with FFmpeg: its streams, its beeps and its colour
 * changes.
 */
final class ExportedFile {
  record Streams(
      String format,
      long durationMs,
      int width,
      int height,
      String videoCodec,
      int audioChannels,
      int audioSampleRate,
      String audioCodec) {}

  /** A colour shown from {@code atMs} (file time) on, at the sampled point. */
  record ColourRun(long atMs, int rgb) {}

  private ExportedFile() {}

  static Streams streams(Path file) throws IOException {
    VideoProbe.Info video = VideoProbe.probe(file);
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.start();
      return new Streams(
          g.getFormat(),
          video.durationMs(),
          video.width(),
          video.height(),
          video.codecName(),
          g.getAudioChannels(),
          g.getSampleRate(),
          g.getAudioCodecName());
    }
  }

  /** The audio stream: where beeps start (file ms) and where its samples begin and end. */
  record AudioScan(List<Long> beepOnsets, long firstSampleMs, long endMs) {}

  /** Beeps start where the level rises above a quarter of full scale after 50 ms of quiet. */
  static AudioScan scanAudio(Path file) throws IOException {
    List<Long> onsets = new ArrayList<>();
    long firstMs = -1;
    long endMs = -1;
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.setSampleMode(FrameGrabber.SampleMode.SHORT);
      g.start();
      int rate = g.getSampleRate();
      int channels = Math.max(1, g.getAudioChannels());
      long quietSamples = 0;
      long quietNeeded = rate / 20;
      boolean first = true;
      for (Frame f = g.grabSamples(); f != null; f = g.grabSamples()) {
        if (f.samples == null) {
          continue;
        }
        ShortBuffer s = (ShortBuffer) f.samples[0];
        int n = s.limit() / channels;
        long frameStartUs = f.timestamp;
        if (firstMs < 0) {
          firstMs = frameStartUs / 1000;
        }
        endMs = Math.max(endMs, frameStartUs / 1000 + n * 1000L / rate);
        for (int i = 0; i < n; i++) {
          int v = Math.abs(s.get(i * channels));
          if (v > Short.MAX_VALUE / 4) {
            if (quietSamples >= quietNeeded || first) {
              onsets.add(frameStartUs / 1000 + i * 1000L / rate);
            }
            quietSamples = 0;
            first = false;
          } else {
            quietSamples++;
          }
        }
        first = false;
      }
    } catch (FrameGrabber.Exception e) {
      throw new IOException("cannot decode the audio of " + file, e);
    }
    return new AudioScan(onsets, firstMs, endMs);
  }

  /** Colour runs at (fx, fy) of the picture, every frame of the video visited. */
  static List<ColourRun> colourRuns(Path file, double fx, double fy) throws IOException {
    List<ColourRun> runs = new ArrayList<>();
    try (VideoProbe probe = VideoProbe.open(file)) {
      int side = Math.max(4, Math.min(probe.width(), probe.height()) / 10);
      int x = (int) (probe.width() * fx) - side / 2;
      int y = (int) (probe.height() * fy) - side / 2;
      long duration = probe.durationMs();
      long lastFrame = Long.MIN_VALUE;
      Integer lastColour = null;
      for (long ms = 0; ms <= duration; ms += 20) {
        int rgb = probe.meanRgbAt(ms, x, y, side, side);
        long frameMs = probe.currentFrameMs();
        if (frameMs == lastFrame) {
          continue;
        }
        lastFrame = frameMs;
        int c = nearest(rgb);
        if (lastColour == null || c != lastColour) {
          runs.add(new ColourRun(frameMs, c));
          lastColour = c;
        }
      }
    }
    return runs;
  }

  /** The test colour an RGB read from a lossy picture is closest to. */
  static int nearest(int rgb) {
    int[] palette = {
      ScreenScript.BLACK,
      ScreenScript.RED,
      ScreenScript.GREEN,
      ScreenScript.BLUE,
      ScreenScript.WHITE,
      ScreenScript.YELLOW
    };
    int best = palette[0];
    long bestD = Long.MAX_VALUE;
    for (int p : palette) {
      long d = 0;
      for (int shift = 0; shift <= 16; shift += 8) {
        long diff = ((rgb >> shift) & 0xFF) - ((p >> shift) & 0xFF);
        d += diff * diff;
      }
      if (d < bestD) {
        bestD = d;
        best = p;
      }
    }
    return best;
  }
}
