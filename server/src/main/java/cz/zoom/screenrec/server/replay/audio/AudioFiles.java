package cz.zoom.screenrec.server.replay.audio;

import cz.zoom.screenrec.encode.RecordingEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Reads uploaded call audio with FFmpeg: decodes every packet (so a file that merely starts right
 * is caught) and, when Chromium cannot play the codec (G.711 µ-law/A-law, ADPCM, ...), writes a
 * 16-bit PCM WAV copy in the same pass. PCM WAV keeps the timing sample-exact, which matters more
 * here than size (8 kHz mono is 57 MB an hour).
 */
public final class AudioFiles {
  public static final long MAX_DURATION_MS = 24L * 3_600_000;

  /** What Chromium plays as it is. */
  private static final Set<String> PLAYABLE_WAV =
      Set.of("pcm_u8", "pcm_s16le", "pcm_s24le", "pcm_s32le", "pcm_f32le");

  private static final Set<String> PLAYABLE_OGG = Set.of("opus", "vorbis", "flac");

  /** What an audio file holds. */
  public record Probe(
      String format,
      String codec,
      int sampleRate,
      int channels,
      long samples,
      long durationMs,
      boolean playable) {}

  /** The upload is not audio we accept; becomes 400. */
  public static final class BadAudioException extends IOException {
    public BadAudioException(String message) {
      super(message);
    }
  }

  private AudioFiles() {}

  /** "wav" or "ogg" from the first bytes, or null. */
  public static String sniff(Path file) throws IOException {
    byte[] head = new byte[12];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n >= 12
        && head[0] == 'R'
        && head[1] == 'I'
        && head[2] == 'F'
        && head[3] == 'F'
        && head[8] == 'W'
        && head[9] == 'A'
        && head[10] == 'V'
        && head[11] == 'E') {
      return "wav";
    }
    if (n >= 4 && head[0] == 'O' && head[1] == 'g' && head[2] == 'g' && head[3] == 'S') {
      return "ogg";
    }
    return null;
  }

  /**
   * Decodes {@code file} (container forced to {@code format}, so FFmpeg never follows references
   * inside it) and, if {@code playableCopy} is not null and the codec is not playable as is, writes
   * a PCM WAV there.
   */
  public static Probe decode(Path file, String format, Path playableCopy) throws IOException {
    RecordingEncoder.preload();
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(file.toFile())) {
      g.setFormat(format);
      try {
        g.start();
      } catch (FrameGrabber.Exception e) {
        throw new BadAudioException("not a readable " + format + " file: " + e.getMessage());
      }
      if (g.getAudioStream() < 0 || g.getAudioChannels() < 1) {
        throw new BadAudioException("the " + format + " file has no audio stream");
      }
      if (g.hasVideo()) {
        throw new BadAudioException("the " + format + " file holds video; send audio only");
      }
      String codec =
          avcodec
              .avcodec_get_name(
                  g.getFormatContext().streams(g.getAudioStream()).codecpar().codec_id())
              .getString();
      int rate = g.getSampleRate();
      int channels = g.getAudioChannels();
      if (rate < 1_000 || rate > 384_000 || channels > 8) {
        throw new BadAudioException(
            "unsupported audio: " + rate + " Hz, " + channels + " channels");
      }
      boolean playable =
          "wav".equals(format) ? PLAYABLE_WAV.contains(codec) : PLAYABLE_OGG.contains(codec);
      FFmpegFrameRecorder copy = null;
      if (!playable && playableCopy != null) {
        g.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
        copy = new FFmpegFrameRecorder(playableCopy.toFile(), channels);
        copy.setFormat("wav");
        copy.setAudioCodec(avcodec.AV_CODEC_ID_PCM_S16LE);
        copy.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
        copy.setSampleRate(rate);
        copy.setAudioChannels(channels);
        copy.start();
      }
      long samples = 0;
      try {
        for (Frame f = g.grabSamples(); f != null; f = g.grabSamples()) {
          samples += samplesIn(f, channels);
          if (samples * 1000 / rate > MAX_DURATION_MS) {
            throw new BadAudioException(
                "audio lasts more than " + MAX_DURATION_MS / 3_600_000 + " h");
          }
          if (copy != null) {
            copy.record(f);
          }
        }
        if (copy != null) {
          copy.stop();
        }
      } catch (FrameGrabber.Exception e) {
        throw new BadAudioException("the " + format + " audio does not decode: " + e.getMessage());
      } finally {
        if (copy != null) {
          copy.release();
        }
      }
      if (samples == 0) {
        throw new BadAudioException("the " + format + " file holds no audio samples");
      }
      return new Probe(format, codec, rate, channels, samples, samples * 1000 / rate, playable);
    } catch (FrameRecorder.Exception e) {
      throw new IOException("writing the playable copy failed: " + e.getMessage(), e);
    }
  }

  private static long samplesIn(Frame f, int channels) {
    if (f.samples == null || f.samples.length == 0) {
      return 0;
    }
    Buffer b = f.samples[0];
    // planar formats carry one buffer per channel, packed ones all channels in one
    return f.samples.length > 1
        ? b.limit()
        : b.limit() / Math.max(1, f.audioChannels > 0 ? f.audioChannels : channels);
  }
}
