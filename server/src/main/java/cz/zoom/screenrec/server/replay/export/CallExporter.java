package cz.zoom.screenrec.server.replay.export;

import cz.zoom.screenrec.encode.RecordingEncoder;
import cz.zoom.screenrec.encode.VideoProbe;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleConsumer;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Muxes a call's screen videos and audio into one WebM (VP9 + Opus) covering [from, to] in absolute
 * time. Each input is placed by its own start time: before a video starts and after it ends the
 * picture is black, audio outside any input is silence, overlapping audio is mixed. Videos are read
 * forwards once (VideoProbe.frameAt), audio is resampled to 48 kHz mono.
 */
public final class CallExporter {
  public static final int SAMPLE_RATE = 48_000;
  public static final String CONTENT_TYPE = "video/webm";
  public static final String EXTENSION = "webm";

  /** Calls longer than this are refused rather than tying up the worker for hours. */
  public static final long MAX_DURATION_MS = 12L * 3_600_000;

  /** A video whose first frame is at {@code startedAt} (UTC ms). */
  public record VideoInput(Path file, long startedAt, long durationMs) {}

  /** An audio file whose first sample is at {@code startedAt} (UTC ms). */
  public record AudioInput(Path file, long startedAt) {}

  private final int fps;

  public CallExporter(int fps) {
    this.fps = fps;
  }

  public void export(
      List<VideoInput> videos,
      List<AudioInput> audios,
      long from,
      long to,
      Path out,
      DoubleConsumer progress)
      throws IOException {
    Path raw = out.resolveSibling(out.getFileName() + ".raw." + EXTENSION);
    try {
      encode(videos, audios, from, to, raw, progress);
      fixAudioDurations(raw, out);
    } finally {
      java.nio.file.Files.deleteIfExists(raw);
    }
  }

  /**
   * Copies the file packet by packet with each audio packet's duration in the stream's time base.
   * javacv writes Opus packet durations in samples (960) where the WebM stream counts ms, so the
   * file would claim to last almost a second longer than it does, and each audio block 960 ms.
   */
  static void fixAudioDurations(Path in, Path out) throws IOException {
    try (FFmpegFrameGrabber g = new FFmpegFrameGrabber(in.toFile())) {
      g.setFormat("webm");
      g.start();
      int audio = g.getAudioStream();
      AVRational samples = avutil.av_make_q(1, SAMPLE_RATE);
      AVRational tb = g.getFormatContext().streams(audio).time_base();
      FFmpegFrameRecorder r =
          new FFmpegFrameRecorder(
              out.toFile(), g.getImageWidth(), g.getImageHeight(), g.getAudioChannels());
      try {
        r.setFormat("webm");
        r.start(g.getFormatContext());
        for (AVPacket p = g.grabPacket(); p != null; p = g.grabPacket()) {
          if (p.stream_index() == audio && p.duration() > 0) {
            p.duration(avutil.av_rescale_q(p.duration(), samples, tb));
          }
          r.recordPacket(p);
        }
        r.stop();
      } finally {
        r.release();
      }
    } catch (FrameGrabber.Exception | FrameRecorder.Exception e) {
      throw new IOException("FFmpeg failed to remux the export: " + e.getMessage(), e);
    }
  }

  private void encode(
      List<VideoInput> videos,
      List<AudioInput> audios,
      long from,
      long to,
      Path out,
      DoubleConsumer progress)
      throws IOException {
    if (to <= from || to - from > MAX_DURATION_MS) {
      throw new IOException(
          "cannot export " + (to - from) + " ms (1 ms .. " + MAX_DURATION_MS / 3_600_000 + " h)");
    }
    RecordingEncoder.preload();
    List<Source> sources = new ArrayList<>();
    List<Sound> sounds = new ArrayList<>();
    FFmpegFrameRecorder recorder = null;
    try {
      int width = 320;
      int height = 240;
      for (VideoInput v : videos) {
        Source s = new Source(v, VideoProbe.open(v.file()));
        sources.add(s);
        if (sources.size() == 1) {
          width = s.probe.width();
          height = s.probe.height();
        } else {
          width = Math.max(width, s.probe.width());
          height = Math.max(height, s.probe.height());
        }
      }
      width += width % 2;
      height += height % 2;
      for (AudioInput a : audios) {
        sounds.add(new Sound(a, from));
      }
      recorder = recorder(out, width, height);
      Frame black = new Frame(width, height, Frame.DEPTH_UBYTE, 3);
      fill(black, null);
      Map<Long, Frame> frames = new HashMap<>();
      long ticks = Math.max(1, (to - from) * fps / 1000);
      long samplesWritten = 0;
      ShortBuffer chunk =
          ByteBuffer.allocateDirect(2 * (SAMPLE_RATE / fps + 2))
              .order(ByteOrder.nativeOrder())
              .asShortBuffer();
      for (long i = 0; i < ticks; i++) {
        long t = from + i * 1000 / fps;
        Frame picture = black;
        for (Source s : sources) {
          if (t >= s.input.startedAt()
              && t < s.input.startedAt() + Math.max(1, s.input.durationMs())) {
            BufferedImage img = s.probe.frameAt(t - s.input.startedAt());
            long key = (long) img.getWidth() << 32 | img.getHeight();
            Frame f =
                frames.computeIfAbsent(
                    key, k -> new Frame(img.getWidth(), img.getHeight(), Frame.DEPTH_UBYTE, 3));
            fill(f, img);
            picture = f;
          }
        }
        recorder.record(picture);
        long samplesTo = (i + 1) * SAMPLE_RATE / fps;
        int n = (int) (samplesTo - samplesWritten);
        chunk.clear();
        for (int k = 0; k < n; k++) {
          int mixed = 0;
          for (Sound s : sounds) {
            mixed += s.sampleAt(samplesWritten + k);
          }
          chunk.put((short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, mixed)));
        }
        chunk.flip();
        recorder.recordSamples(SAMPLE_RATE, 1, chunk);
        samplesWritten = samplesTo;
        if (i % fps == 0) {
          progress.accept((double) i / ticks);
        }
      }
      recorder.stop();
    } catch (FrameRecorder.Exception | FrameGrabber.Exception e) {
      throw new IOException("FFmpeg failed: " + e.getMessage(), e);
    } finally {
      if (recorder != null) {
        try {
          recorder.release();
        } catch (FrameRecorder.Exception ignored) {
          // the output is deleted by the caller on failure
        }
      }
      sources.forEach(s -> s.probe.close());
      sounds.forEach(Sound::close);
    }
  }

  private FFmpegFrameRecorder recorder(Path out, int width, int height)
      throws FrameRecorder.Exception {
    FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), width, height, 1);
    r.setFormat("webm");
    r.setVideoCodecName("libvpx-vp9");
    r.setFrameRate(fps);
    r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
    r.setGopSize(fps * 10);
    // screen content: realtime mode is many times faster and barely larger (docs/encoding.md)
    r.setVideoOption("deadline", "realtime");
    r.setVideoOption("cpu-used", "8");
    r.setVideoOption("crf", "35");
    r.setVideoOption("row-mt", "1");
    r.setVideoOption("tune-content", "screen");
    r.setVideoOption("lag-in-frames", "0");
    r.setAudioCodec(avcodec.AV_CODEC_ID_OPUS);
    r.setAudioCodecName("libopus");
    r.setSampleRate(SAMPLE_RATE);
    r.setAudioChannels(1);
    r.setAudioBitrate(32_000);
    r.start();
    return r;
  }

  /**
   * Copies a BGR picture into a frame's direct buffer (FFmpeg reads garbage from heap buffers);
   * null: black.
   */
  private static void fill(Frame f, BufferedImage img) {
    ByteBuffer dst = (ByteBuffer) f.image[0];
    int row = f.imageWidth * 3;
    if (img == null) {
      byte[] zeros = new byte[f.imageStride];
      for (int y = 0; y < f.imageHeight; y++) {
        dst.position(y * f.imageStride);
        dst.put(zeros, 0, f.imageStride);
      }
    } else {
      byte[] src = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
      for (int y = 0; y < f.imageHeight; y++) {
        dst.position(y * f.imageStride);
        dst.put(src, y * row, row);
      }
    }
    dst.position(0);
  }

  private record Source(VideoInput input, VideoProbe probe) {}

  /**
   * One audio input, read forwards as 48 kHz mono 16-bit samples placed on the output's sample
   * clock.
   */
  private static final class Sound {
    private final FFmpegFrameGrabber grabber;
    private final long firstSample;
    private ShortBuffer buffer;
    private long next;
    private boolean ended;

    Sound(AudioInput input, long from) throws FrameGrabber.Exception {
      this.firstSample = Math.round((input.startedAt() - from) * (SAMPLE_RATE / 1000.0));
      this.next = firstSample;
      grabber = new FFmpegFrameGrabber(input.file().toFile());
      grabber.setSampleRate(SAMPLE_RATE);
      grabber.setAudioChannels(1);
      grabber.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      grabber.start();
    }

    /** The input's sample at output sample {@code index}; calls come in increasing order. */
    int sampleAt(long index) {
      if (ended || index < firstSample) {
        return 0;
      }
      while (next <= index) {
        if (buffer == null || !buffer.hasRemaining()) {
          if (!refill()) {
            return 0;
          }
        }
        short s = buffer.get();
        if (next++ == index) {
          return s;
        }
      }
      return 0;
    }

    private boolean refill() {
      try {
        while (true) {
          Frame f = grabber.grabSamples();
          if (f == null) {
            ended = true;
            return false;
          }
          if (f.samples != null
              && f.samples.length > 0
              && f.samples[0] instanceof ShortBuffer b
              && b.hasRemaining()) {
            buffer = b;
            return true;
          }
        }
      } catch (FrameGrabber.Exception e) {
        ended = true;
        return false;
      }
    }

    void close() {
      try {
        grabber.close();
      } catch (FrameGrabber.Exception ignored) {
        // reading only
      }
    }
  }
}
