package cz.zoom.screenrec.format.video;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_QUIET;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_BGR0;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.av_opt_set;
import static org.bytedeco.ffmpeg.global.swscale.SWS_ACCURATE_RND;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.SWS_FULL_CHR_H_INT;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import cz.zoom.screenrec.format.RegionCodec;
import java.io.IOException;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * VP8 (RFC 6386) through FFmpeg: libvpx to encode, FFmpeg's own decoder to decode. VP8 because a
 * browser decodes it natively (WebCodecs {@code "vp8"}, WebM) and libvpx's realtime mode is the
 * cheapest temporal coder here: measured on a grainy 854x480 clip at 5 fps, 500 kbit/s give 37.2 dB
 * where per-frame JPEG needs 1,000 kbit/s for 38.5 dB (docs/capture-performance.md).
 */
public final class Vp8Codec implements RegionCodec {
  /** The VIDEO record's codec byte for VP8. */
  public static final int ID = 1;

  /**
   * libvpx's fastest realtime speed. On the capture bench's player workloads speed 10 cost about 20
   * ms of CPU per 896x576 picture of real video, more than x264 ultrafast spends on the whole
   * screen; 16 is about half of that for 1-2 dB less (docs/capture-performance.md).
   */
  private static final String SPEED = "16";

  /** Loads FFmpeg on first use, not when the service loader makes this codec. */
  private static final class Natives {
    static {
      av_log_set_level(AV_LOG_QUIET);
    }

    static void load() {}
  }

  @Override
  public int id() {
    return ID;
  }

  @Override
  public Encoder newEncoder(int width, int height, int codedWidth, int codedHeight, int kbps)
      throws IOException {
    Natives.load();
    return new Vp8Encoder(width, height, codedWidth, codedHeight, kbps);
  }

  @Override
  public Decoder newDecoder(int codedWidth, int codedHeight) throws IOException {
    Natives.load();
    return new Vp8Decoder(codedWidth, codedHeight);
  }

  /**
   * Rows of native BGR0 pixels (0xRRGGBB ints, little-endian) as swscale wants them: each row
   * padded to a multiple of 16 pixels and 64 bytes of slack after the last, because its SIMD
   * converters read and write whole 16-pixel blocks past a row's end. The plane and stride arrays
   * have the 4 entries swscale reads.
   */
  private static final class Pixels implements AutoCloseable {
    final int width;
    final int height;
    final int rowInts;
    final IntPointer data;
    final PointerPointer<?> planes;
    final IntPointer strides;

    Pixels(int width, int height) {
      this.width = width;
      this.height = height;
      this.rowInts = (width + 15) / 16 * 16;
      this.data = new IntPointer((long) rowInts * height + 16);
      data.fill(0);
      this.planes = new PointerPointer<>(4).put(0, data);
      this.strides = new IntPointer(4).put(0, rowInts * 4).put(1, 0).put(2, 0).put(3, 0);
    }

    /** Copies the w x h rectangle of a Java picture at (x, y) in. */
    void copyIn(int[] picture, int stride, int x, int y) {
      for (int r = 0; r < height; r++) {
        data.position((long) r * rowInts).put(picture, (y + r) * stride + x, width);
      }
      data.position(0);
    }

    /** Copies out into the rectangle at (x, y) of a Java picture, top 8 bits cleared. */
    void copyOut(int[] picture, int stride, int x, int y) {
      for (int r = 0; r < height; r++) {
        int at = (y + r) * stride + x;
        data.position((long) r * rowInts).get(picture, at, width);
        for (int i = at, end = at + width; i < end; i++) {
          picture[i] &= 0xFFFFFF;
        }
      }
      data.position(0);
    }

    @Override
    public void close() {
      data.close();
      planes.close();
      strides.close();
    }
  }

  /**
   * Back to RGB with the chroma interpolated and exact rounding: swscale's fast YUV 4:2:0 to RGB
   * path repeats each chroma sample, which on the capture bench's 480p clip at 720 kbit/s cost 0.9
   * dB of RGB PSNR (35.5 against 36.4; the encoder's side made no difference). Bicubic where the
   * stream was coded smaller: 0.6 dB over bilinear at half size, 0.6 dB worse at full size.
   */
  private static int decodeFlags(boolean scaled) {
    return (scaled ? SWS_BICUBIC : SWS_BILINEAR) | SWS_FULL_CHR_H_INT | SWS_ACCURATE_RND;
  }

  private static SwsContext scaler(int sw, int sh, int sf, int dw, int dh, int df, int flags)
      throws IOException {
    SwsContext c = sws_getContext(sw, sh, sf, dw, dh, df, flags, null, null, (DoublePointer) null);
    if (c == null) {
      throw new IOException("swscale cannot convert " + sw + "x" + sh + " to " + dw + "x" + dh);
    }
    return c;
  }

  private static final class Vp8Encoder implements Encoder {
    private final int width;
    private final int height;
    private final AVCodecContext context;
    private final AVFrame frame;
    private final AVPacket packet;
    private final SwsContext scaler;
    private final Pixels source;
    private long firstTime = Long.MIN_VALUE;
    private long lastPts = -1;
    private boolean started;

    Vp8Encoder(int width, int height, int codedWidth, int codedHeight, int kbps)
        throws IOException {
      this.width = width;
      this.height = height;
      AVCodec codec = avcodec_find_encoder_by_name("libvpx");
      if (codec == null) {
        throw new IOException("this FFmpeg build has no libvpx VP8 encoder");
      }
      context = avcodec_alloc_context3(codec);
      context.width(codedWidth);
      context.height(codedHeight);
      context.pix_fmt(AV_PIX_FMT_YUV420P);
      // Capture times in ms are the presentation times: frames come at whatever rate capture
      // and the budget allow, and the rate control needs their real spacing.
      context.time_base(new AVRational().num(1).den(1000));
      context.framerate(new AVRational().num(5).den(1));
      long bits = kbps * 1000L;
      context.bit_rate(bits);
      context.rc_min_rate(bits);
      context.rc_max_rate(bits);
      context.rc_buffer_size((int) Math.min(Integer.MAX_VALUE, bits));
      context.gop_size(Integer.MAX_VALUE);
      // FFmpeg's default quantiser ceiling (31 of libvpx's 63) lets grain overshoot the
      // budget threefold; the rate control needs the whole range to keep its average.
      context.qmin(4);
      context.qmax(63);
      context.thread_count(1);
      av_opt_set(context.priv_data(), "deadline", "realtime", 0);
      av_opt_set(context.priv_data(), "cpu-used", SPEED, 0);
      av_opt_set(context.priv_data(), "lag-in-frames", "0", 0);
      int err = avcodec_open2(context, codec, (PointerPointer<?>) null);
      if (err < 0) {
        avcodec_free_context(context);
        throw new IOException("libvpx did not open (" + err + ")");
      }
      frame = av_frame_alloc();
      frame.format(AV_PIX_FMT_YUV420P);
      frame.width(codedWidth);
      frame.height(codedHeight);
      av_frame_get_buffer(frame, 0);
      packet = av_packet_alloc();
      scaler =
          scaler(
              width,
              height,
              AV_PIX_FMT_BGR0,
              codedWidth,
              codedHeight,
              AV_PIX_FMT_YUV420P,
              SWS_BILINEAR);
      source = new Pixels(width, height);
    }

    @Override
    public byte[] encode(int[] picture, int stride, int x, int y, long timeMs, boolean key)
        throws IOException {
      source.copyIn(picture, stride, x, y);
      av_frame_make_writable(frame);
      sws_scale(scaler, source.planes, source.strides, 0, height, frame.data(), frame.linesize());
      if (firstTime == Long.MIN_VALUE) {
        firstTime = timeMs;
      }
      long pts = Math.max(lastPts + 1, timeMs - firstTime);
      lastPts = pts;
      frame.pts(pts);
      frame.pict_type(key || !started ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
      started = true;
      if (avcodec_send_frame(context, frame) < 0) {
        throw new IOException("libvpx refused a picture");
      }
      byte[] coded = null;
      int err;
      while ((err = avcodec_receive_packet(context, packet)) >= 0) {
        if (coded == null) {
          coded = new byte[packet.size()];
          packet.data().get(coded);
        }
        av_packet_unref(packet);
      }
      if (err != AVERROR_EAGAIN() || coded == null || coded.length == 0) {
        throw new IOException("libvpx gave no picture (" + err + ")");
      }
      return coded;
    }

    @Override
    public void close() {
      AVFrame f = frame;
      av_frame_free(f);
      av_packet_free(packet);
      avcodec_free_context(context);
      sws_freeContext(scaler);
      source.close();
    }
  }

  private static final class Vp8Decoder implements Decoder {
    private final int codedWidth;
    private final int codedHeight;
    private final AVCodecContext context;
    private final AVFrame frame;
    private final AVPacket packet;
    private SwsContext scaler;
    private Pixels target;
    private boolean sawKey;

    Vp8Decoder(int codedWidth, int codedHeight) throws IOException {
      this.codedWidth = codedWidth;
      this.codedHeight = codedHeight;
      AVCodec codec = avcodec_find_decoder(AV_CODEC_ID_VP8);
      if (codec == null) {
        throw new IOException("this FFmpeg build has no VP8 decoder");
      }
      context = avcodec_alloc_context3(codec);
      context.thread_count(1);
      // a bound besides checkSize's, with room for FFmpeg's alignment and edges
      context.max_pixels((long) (codedWidth + 128) * (codedHeight + 128));
      int err = avcodec_open2(context, codec, (PointerPointer<?>) null);
      if (err < 0) {
        avcodec_free_context(context);
        throw new IOException("VP8 decoder did not open (" + err + ")");
      }
      frame = av_frame_alloc();
      packet = av_packet_alloc();
    }

    @Override
    public void decode(
        byte[] data,
        int offset,
        int length,
        int[] picture,
        int stride,
        int x,
        int y,
        int width,
        int height)
        throws IOException {
      checkSize(data, offset, length);
      if (av_new_packet(packet, length) < 0) {
        throw new IOException("empty or unallocatable VP8 picture");
      }
      packet.data().put(data, offset, length);
      int sent = avcodec_send_packet(context, packet);
      av_packet_unref(packet);
      if (sent < 0 || avcodec_receive_frame(context, frame) < 0) {
        throw new IOException("not a valid VP8 picture of this stream");
      }
      if (frame.width() != codedWidth
          || frame.height() != codedHeight
          || frame.format() != AV_PIX_FMT_YUV420P) {
        throw new IOException(
            "VP8 picture is "
                + frame.width()
                + "x"
                + frame.height()
                + ", the record says "
                + codedWidth
                + "x"
                + codedHeight);
      }
      prepareTarget(width, height);
      sws_scale(
          scaler, frame.data(), frame.linesize(), 0, codedHeight, target.planes, target.strides);
      target.copyOut(picture, stride, x, y);
    }

    /**
     * A key frame states its size (RFC 6386, 9.1); one that differs from the record's coded size is
     * refused before FFmpeg allocates for it, so a hostile segment cannot make the decoder allocate
     * more than the screen it claims to be part of.
     */
    private void checkSize(byte[] data, int offset, int length) throws IOException {
      if (length <= 0) {
        throw new IOException("empty VP8 picture");
      }
      boolean key = (data[offset] & 1) == 0;
      if (!key) {
        if (!sawKey) {
          throw new IOException("VP8 delta picture before a key picture");
        }
        return;
      }
      if (length < 10
          || (data[offset + 3] & 0xFF) != 0x9D
          || (data[offset + 4] & 0xFF) != 0x01
          || (data[offset + 5] & 0xFF) != 0x2A) {
        throw new IOException("VP8 key picture without its start code");
      }
      int w = ((data[offset + 7] & 0x3F) << 8) | (data[offset + 6] & 0xFF);
      int h = ((data[offset + 9] & 0x3F) << 8) | (data[offset + 8] & 0xFF);
      if (w != codedWidth || h != codedHeight) {
        throw new IOException(
            "VP8 key picture is "
                + w
                + "x"
                + h
                + ", the record says "
                + codedWidth
                + "x"
                + codedHeight);
      }
      sawKey = true;
    }

    private void prepareTarget(int width, int height) throws IOException {
      if (scaler != null && width == target.width && height == target.height) {
        return;
      }
      releaseTarget();
      scaler =
          scaler(
              codedWidth,
              codedHeight,
              AV_PIX_FMT_YUV420P,
              width,
              height,
              AV_PIX_FMT_BGR0,
              decodeFlags(width != codedWidth || height != codedHeight));
      target = new Pixels(width, height);
    }

    private void releaseTarget() {
      if (scaler != null) {
        sws_freeContext(scaler);
        target.close();
        scaler = null;
        target = null;
      }
    }

    @Override
    public void close() {
      releaseTarget();
      AVFrame f = frame;
      av_frame_free(f);
      av_packet_free(packet);
      avcodec_free_context(context);
    }
  }
}
