package cz.zoom.screenrec.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/** Call audio for tests: WAV written byte by byte, Ogg/Opus through FFmpeg. */
final class TestAudio {
  private TestAudio() {}

  /** A tone, switched on only inside [onFromMs, onToMs) (null: always), as 16-bit samples. */
  static short[] tone(int rate, long ms, double hz, Long onFromMs, Long onToMs) {
    short[] s = new short[(int) (rate * ms / 1000)];
    for (int i = 0; i < s.length; i++) {
      long t = i * 1000L / rate;
      boolean on = onFromMs == null || t >= onFromMs && t < onToMs;
      s[i] = on ? (short) (Math.sin(2 * Math.PI * hz * i / rate) * 12_000) : 0;
    }
    return s;
  }

  static byte[] wavPcm16(int rate, short[] samples) {
    ByteBuffer data = ByteBuffer.allocate(samples.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short v : samples) {
      data.putShort(v);
    }
    return wav(1, rate, 16, 2, data.array());
  }

  /** G.711 µ-law, as contact-centre recorders write it (WAVE_FORMAT_MULAW = 7). */
  static byte[] wavMulaw(int rate, short[] samples) {
    byte[] data = new byte[samples.length];
    for (int i = 0; i < samples.length; i++) {
      data[i] = linearToMulaw(samples[i]);
    }
    return wav(7, rate, 8, 1, data);
  }

  private static byte[] wav(int formatTag, int rate, int bits, int blockAlign, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(44 + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes()).putInt(36 + data.length).put("WAVE".getBytes());
    b.put("fmt ".getBytes())
        .putInt(16)
        .putShort((short) formatTag)
        .putShort((short) 1)
        .putInt(rate)
        .putInt(rate * blockAlign)
        .putShort((short) blockAlign)
        .putShort((short) bits);
    b.put("data".getBytes()).putInt(data.length).put(data);
    return b.array();
  }

  static byte linearToMulaw(short sample) {
    final int bias = 0x84;
    final int clip = 32_635;
    int s = sample;
    int sign = (s >> 8) & 0x80;
    if (sign != 0) {
      s = -s;
    }
    s = Math.min(s, clip) + bias;
    int exponent = 7;
    for (int mask = 0x4000; (s & mask) == 0 && exponent > 0; mask >>= 1) {
      exponent--;
    }
    int mantissa = (s >> (exponent + 3)) & 0x0F;
    return (byte) ~(sign | (exponent << 4) | mantissa);
  }

  /** Opus in Ogg at 48 kHz mono, encoded by FFmpeg's libopus. */
  static byte[] oggOpus(Path dir, short[] samples48k) throws Exception {
    Path file = Files.createTempFile(dir, "audio", ".ogg");
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), 1)) {
      r.setFormat("ogg");
      r.setAudioCodec(avcodec.AV_CODEC_ID_OPUS);
      r.setAudioCodecName("libopus");
      r.setSampleRate(48_000);
      r.setAudioChannels(1);
      r.setSampleFormat(avutil.AV_SAMPLE_FMT_S16);
      r.start();
      ShortBuffer buf =
          ByteBuffer.allocateDirect(samples48k.length * 2)
              .order(ByteOrder.nativeOrder())
              .asShortBuffer();
      buf.put(samples48k).flip();
      r.recordSamples(48_000, 1, buf);
      r.stop();
    }
    return Files.readAllBytes(file);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
