package cz.zoom.screenrec.format;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a segment written by {@link SegmentWriter}. Never throws on a damaged body: a corrupt or
 * missing part ends the segment with one {@link SegmentEvent.Truncated}; the only exceptions {@link
 * #next()} passes on are the underlying stream's own {@link IOException}s. Every length and count
 * in the file is bounded by {@link FormatLimits} before anything is allocated for it. Not
 * thread-safe.
 */
public final class SegmentReader implements Closeable {
  private static final int INITIAL_BUFFER = 64 * 1024;

  private final InputStream in;
  private final SegmentHeader header;

  /** Picture per screen id, allocated at the screen's first key frame. */
  private final int[][] pictures = new int[256][];

  private final ScreenLayout[] layouts = new ScreenLayout[256];

  /** Codecs found on the class path, by id: the service loader is not asked per record. */
  private static final Map<Integer, Optional<RegionCodec>> CODECS = new ConcurrentHashMap<>();

  /**
   * Screens that had a VIDEO picture since their last FRAME: one at most, which bounds the decoding
   * work of a segment by its frame count.
   */
  private final boolean[] videoSinceFrame = new boolean[256];

  /** Screens that had their key frame in this segment. */
  private final boolean[] keyed = new boolean[256];

  /** Open lossy stream per screen id (version 3). */
  private final Video[] videos = new Video[256];

  private final Inflater inflater = new Inflater();
  private final CRC32 crc = new CRC32();
  private final byte[] envelope = new byte[5];
  private final byte[] tile = new byte[Wire.TILE * Wire.TILE * 3];
  private byte[] body = new byte[INITIAL_BUFFER];
  private int bodyLength;
  private int pos;
  private final byte[] bitmap =
      new byte
          [(Wire.tilesAcross(FormatLimits.MAX_SCREEN_SIDE)
                      * Wire.tilesDown(FormatLimits.MAX_SCREEN_SIDE)
                  + 7)
              / 8];
  private int version;
  private long lastTime;
  private int frames;
  private boolean done;

  /** False: FRAME and VIDEO records are checked and counted but not decoded, nor yielded. */
  private final boolean decodePictures;

  /** Reads the header; throws {@link CorruptSegmentException} if it is not a valid segment. */
  public SegmentReader(InputStream input) throws IOException {
    this(input, true);
  }

  /**
   * A reader of everything but the pictures (gaps, cursor, trailer): records are checked, frames
   * counted, nothing is decoded, so it costs little more than reading the bytes.
   */
  public static SegmentReader withoutPictures(InputStream input) throws IOException {
    return new SegmentReader(input, false);
  }

  private SegmentReader(InputStream input, boolean pictures) throws IOException {
    this.decodePictures = pictures;
    this.in = new BufferedInputStream(input, 64 * 1024);
    this.header = readHeader();
    this.lastTime = header.startedAt();
    for (ScreenLayout s : header.screens()) {
      layouts[s.id()] = s;
    }
  }

  public SegmentHeader header() {
    return header;
  }

  /** The next event, or null after the trailer or after a {@link SegmentEvent.Truncated}. */
  public SegmentEvent next() throws IOException {
    while (!done) {
      SegmentEvent event;
      try {
        event = readRecord();
      } catch (Malformed e) {
        return truncated(e.getMessage());
      } catch (DataFormatException e) {
        return truncated("tile data is not a valid zlib stream: " + e.getMessage());
      } catch (RuntimeException e) {
        // Defence in depth: every check above should make this unreachable, but a damaged
        // segment must end as a gap, never as a crash of the encoder that reads it.
        return truncated("record is malformed: " + e);
      }
      if (event != null) {
        return event;
      }
    }
    return null;
  }

  /** Reads every event into a list; frames are copied so the list can be kept. */
  public List<SegmentEvent> readAll() throws IOException {
    List<SegmentEvent> events = new ArrayList<>();
    for (SegmentEvent e = next(); e != null; e = next()) {
      if (e instanceof SegmentEvent.Frame f) {
        e =
            new SegmentEvent.Frame(
                f.screenId(), f.time(), f.width(), f.height(), f.rgb().clone(), f.keyframe());
      }
      events.add(e);
    }
    return events;
  }

  @Override
  public void close() throws IOException {
    done = true;
    inflater.end();
    for (int i = 0; i < videos.length; i++) {
      if (videos[i] != null) {
        videos[i].decoder.close();
        videos[i] = null;
      }
    }
    in.close();
  }

  /** One screen's open lossy stream: its rectangle, coded size and decoder. */
  private record Video(
      int x,
      int y,
      int w,
      int h,
      int codedWidth,
      int codedHeight,
      int codec,
      RegionCodec.Decoder decoder) {
    boolean same(int x, int y, int w, int h, int cw, int ch, int codec) {
      return this.x == x
          && this.y == y
          && this.w == w
          && this.h == h
          && codedWidth == cw
          && codedHeight == ch
          && this.codec == codec;
    }
  }

  private SegmentEvent truncated(String reason) {
    done = true;
    return new SegmentEvent.Truncated(lastTime, reason);
  }

  /** One record; null for a skipped optional record. */
  private SegmentEvent readRecord() throws IOException, Malformed, DataFormatException {
    int got = in.readNBytes(envelope, 0, 5);
    if (got == 0) {
      throw new Malformed("segment ends without a trailer");
    }
    if (got < 5) {
      throw new Malformed("segment ends inside a record");
    }
    int type = envelope[0] & 0xFF;
    long length =
        (envelope[1] & 0xFFL) << 24
            | (envelope[2] & 0xFF) << 16
            | (envelope[3] & 0xFF) << 8
            | (envelope[4] & 0xFF);
    if (length > FormatLimits.MAX_RECORD) {
      throw new Malformed("record length " + length + " is out of bounds");
    }
    readBody((int) length);
    crc.reset();
    crc.update(type);
    crc.update(body, 0, bodyLength);
    int expected = (int) readStreamInt();
    if ((int) crc.getValue() != expected) {
      throw new Malformed("record checksum mismatch");
    }
    pos = 0;
    switch (type) {
      case Wire.FRAME:
        if (!decodePictures) {
          u8();
          u8();
          lastTime = Math.max(lastTime, i64());
          frames++;
          return null;
        }
        return version == 1 ? decodeFrameV1() : decodeFrame();
      case Wire.VIDEO:
        if (version < 3) {
          throw new Malformed("VIDEO record in a version " + version + " segment");
        }
        if (decodePictures) {
          decodeVideo();
        }
        return null;
      case Wire.CURSOR:
        {
          long time = i64();
          SegmentEvent e = new SegmentEvent.Cursor(time, i32(), i32());
          lastTime = Math.max(lastTime, time);
          return e;
        }
      case Wire.GAP:
        {
          long from = i64();
          long until = i64();
          GapReason reason = GapReason.fromCode(u8());
          lastTime = Math.max(lastTime, Math.max(from, until));
          return new SegmentEvent.Gap(from, until, reason);
        }
      case Wire.END & 0xFF:
        {
          long end = i64();
          int count = i32();
          if (count != frames) {
            throw new Malformed("trailer counts " + count + " frames, the segment has " + frames);
          }
          done = true;
          return new SegmentEvent.End(end, count);
        }
      default:
        if (type >= Wire.FIRST_OPTIONAL) {
          return null;
        }
        throw new Malformed("unknown record type " + type);
    }
  }

  /**
   * Version 3: a lossy picture of a screen's video region, drawn into the screen's picture; the
   * FRAME that follows yields it. Yields nothing itself.
   */
  private void decodeVideo() throws Malformed {
    int screenId = u8();
    int flags = u8();
    long time = i64();
    int x = u16();
    int y = u16();
    int w = u16();
    int h = u16();
    int cw = u16();
    int ch = u16();
    int codec = u8();
    ScreenLayout layout = layouts[screenId];
    if (layout == null) {
      throw new Malformed("VIDEO record of unknown screen " + screenId);
    }
    int width = layout.width();
    int height = layout.height();
    if (x % Wire.TILE != 0
        || y % Wire.TILE != 0
        || w < 1
        || h < 1
        || x + w > width
        || y + h > height
        || (w % Wire.TILE != 0 && x + w != width)
        || (h % Wire.TILE != 0 && y + h != height)
        || cw < 1
        || ch < 1
        || cw > w
        || ch > h) {
      throw new Malformed("VIDEO region is not a tile rectangle of screen " + screenId);
    }
    Video video = videos[screenId];
    if ((flags & Wire.FLAG_END) != 0) {
      if (video == null || !video.same(x, y, w, h, cw, ch, codec)) {
        throw new Malformed("VIDEO end of a stream that is not open");
      }
      video.decoder.close();
      videos[screenId] = null;
      lastTime = Math.max(lastTime, time);
      return;
    }
    boolean key = (flags & Wire.FLAG_KEY) != 0;
    if (videoSinceFrame[screenId]) {
      throw new Malformed("two VIDEO pictures of screen " + screenId + " without a frame between");
    }
    videoSinceFrame[screenId] = true;
    if (video != null && (key || !video.same(x, y, w, h, cw, ch, codec))) {
      // a key opens a new stream, whose first picture must be a key picture
      video.decoder.close();
      videos[screenId] = null;
      video = null;
    }
    if (video == null) {
      if (!key) {
        throw new Malformed("VIDEO delta picture of screen " + screenId + " before its key");
      }
      RegionCodec rc =
          CODECS
              .computeIfAbsent(codec, RegionCodec::find)
              .orElseThrow(() -> new Malformed("no decoder for VIDEO codec " + codec + " here"));
      try {
        video = new Video(x, y, w, h, cw, ch, codec, rc.newDecoder(cw, ch));
      } catch (IOException e) {
        throw new Malformed("VIDEO decoder did not open: " + e.getMessage());
      }
      videos[screenId] = video;
    }
    if (pos >= bodyLength) {
      throw new Malformed("VIDEO record without a picture");
    }
    int[] rgb = pictures[screenId];
    if (rgb == null) {
      rgb = new int[width * height];
      pictures[screenId] = rgb;
    }
    try {
      video.decoder.decode(body, pos, bodyLength - pos, rgb, width, x, y, w, h);
    } catch (IOException e) {
      throw new Malformed("VIDEO picture is corrupt: " + e.getMessage());
    }
    lastTime = Math.max(lastTime, time);
  }

  /** Version 2: moves, then a zlib stream of bitmap and mode-tagged tiles (absent if none). */
  private SegmentEvent decodeFrame() throws Malformed, DataFormatException {
    int screenId = u8();
    boolean key = (u8() & Wire.FLAG_KEY) != 0;
    long time = i64();
    int width = u16();
    int height = u16();
    ScreenLayout layout = layouts[screenId];
    if (layout == null || layout.width() != width || layout.height() != height) {
      throw new Malformed("frame of unknown screen " + screenId + " or of the wrong size");
    }
    int[] rgb = pictures[screenId];
    if (!keyed[screenId] && !key) {
      throw new Malformed("delta frame of screen " + screenId + " before its key frame");
    }
    keyed[screenId] = true;
    videoSinceFrame[screenId] = false;
    int moves = u8();
    if (moves > Wire.MAX_MOVES || (key && moves > 0)) {
      throw new Malformed(moves + " moves in a " + (key ? "key" : "delta") + " frame");
    }
    int movesAt = pos;
    need(moves * Wire.MOVE_BYTES);
    for (int m = 0; m < moves; m++) {
      int sx = u16();
      int sy = u16();
      int w = u16();
      int h = u16();
      int dx = u16();
      int dy = u16();
      if (w < 1
          || h < 1
          || sx + w > width
          || dx + w > width
          || sy + h > height
          || dy + h > height) {
        throw new Malformed("move outside the screen");
      }
    }
    int tiles = Wire.tilesAcross(width) * Wire.tilesDown(height);
    int bitmapLength = (tiles + 7) / 8;
    boolean anyTiles = pos < bodyLength;
    if (anyTiles) {
      inflater.reset();
      inflater.setInput(body, pos, bodyLength - pos);
      inflateFully(bitmap, bitmapLength);
    } else {
      Arrays.fill(bitmap, 0, bitmapLength, (byte) 0);
    }
    if (key && !allTiles(bitmap, 0, tiles, width, videos[screenId])) {
      throw new Malformed("key frame of screen " + screenId + " lacks tiles");
    }
    if (rgb == null) {
      // Bounded: the header's screens passed FormatLimits.MAX_TOTAL_PIXELS together.
      rgb = new int[width * height];
      pictures[screenId] = rgb;
    }
    pos = movesAt;
    for (int m = 0; m < moves; m++) {
      int sx = u16();
      int sy = u16();
      int w = u16();
      int h = u16();
      Wire.move(rgb, width, sx, sy, w, h, u16(), u16());
    }
    int across = Wire.tilesAcross(width);
    for (int t = 0; t < tiles; t++) {
      if ((bitmap[t >> 3] & (1 << (t & 7))) != 0) {
        decodeTile(rgb, width, height, (t % across) * Wire.TILE, (t / across) * Wire.TILE);
      }
    }
    lastTime = Math.max(lastTime, time);
    frames++;
    return new SegmentEvent.Frame(screenId, time, width, height, rgb, key);
  }

  private void decodeTile(int[] rgb, int width, int height, int x0, int y0)
      throws Malformed, DataFormatException {
    int x1 = Math.min(x0 + Wire.TILE, width);
    int y1 = Math.min(y0 + Wire.TILE, height);
    inflateFully(tile, 1);
    int mode = tile[0];
    if (mode == Wire.MODE_SOLID) {
      inflateFully(tile, 3);
      int c = (tile[0] & 0xFF) << 16 | (tile[1] & 0xFF) << 8 | (tile[2] & 0xFF);
      for (int y = y0; y < y1; y++) {
        Arrays.fill(rgb, y * width + x0, y * width + x1, c);
      }
      return;
    }
    if (mode != Wire.MODE_RAW && mode != Wire.MODE_XOR && mode != Wire.MODE_SUB) {
      throw new Malformed("unknown tile mode " + mode);
    }
    inflateFully(tile, (x1 - x0) * (y1 - y0) * 3);
    int n = 0;
    for (int y = y0; y < y1; y++) {
      int row = y * width;
      for (int x = x0; x < x1; x++) {
        int v = (tile[n] & 0xFF) << 16 | (tile[n + 1] & 0xFF) << 8 | (tile[n + 2] & 0xFF);
        n += 3;
        if (mode == Wire.MODE_XOR) {
          v ^= rgb[row + x];
        } else if (mode == Wire.MODE_SUB) {
          int pred = x > x0 ? rgb[row + x - 1] : y > y0 ? rgb[row - width + x] : 0;
          v =
              ((v >> 16) + (pred >> 16) & 0xFF) << 16
                  | ((v >> 8) + (pred >> 8) & 0xFF) << 8
                  | (v + pred & 0xFF);
        }
        rgb[row + x] = v;
      }
    }
  }

  /** Version 1: bitmap in the clear, then a zlib stream of plain RGB tiles. */
  private SegmentEvent decodeFrameV1() throws Malformed, DataFormatException {
    int screenId = u8();
    boolean key = (u8() & Wire.FLAG_KEY) != 0;
    long time = i64();
    int width = u16();
    int height = u16();
    ScreenLayout layout = layouts[screenId];
    if (layout == null || layout.width() != width || layout.height() != height) {
      throw new Malformed("frame of unknown screen " + screenId + " or of the wrong size");
    }
    int[] rgb = pictures[screenId];
    if (rgb == null && !key) {
      throw new Malformed("delta frame of screen " + screenId + " before its key frame");
    }
    int across = Wire.tilesAcross(width);
    int down = Wire.tilesDown(height);
    int bitmapAt = pos;
    int bitmapLength = (across * down + 7) / 8;
    need(bitmapLength);
    pos += bitmapLength;
    if (key && !allTiles(body, bitmapAt, across * down)) {
      throw new Malformed("key frame of screen " + screenId + " lacks tiles");
    }
    if (rgb == null) {
      // Bounded: the header's screens passed FormatLimits.MAX_TOTAL_PIXELS together.
      rgb = new int[width * height];
      pictures[screenId] = rgb;
    }
    inflater.reset();
    inflater.setInput(body, pos, bodyLength - pos);
    for (int ty = 0; ty < down; ty++) {
      for (int tx = 0; tx < across; tx++) {
        int t = ty * across + tx;
        if ((body[bitmapAt + (t >> 3)] & (1 << (t & 7))) == 0) {
          continue;
        }
        int x0 = tx * Wire.TILE;
        int y0 = ty * Wire.TILE;
        int x1 = Math.min(x0 + Wire.TILE, width);
        int y1 = Math.min(y0 + Wire.TILE, height);
        inflateFully(tile, (x1 - x0) * (y1 - y0) * 3);
        int n = 0;
        for (int y = y0; y < y1; y++) {
          int row = y * width;
          for (int x = x0; x < x1; x++) {
            rgb[row + x] =
                (tile[n] & 0xFF) << 16 | (tile[n + 1] & 0xFF) << 8 | (tile[n + 2] & 0xFF);
            n += 3;
          }
        }
      }
    }
    lastTime = Math.max(lastTime, time);
    frames++;
    return new SegmentEvent.Frame(screenId, time, width, height, rgb, key);
  }

  /** Every tile is present, except (version 3) those inside the screen's open video region. */
  private static boolean allTiles(byte[] bits, int bitmapAt, int tiles, int width, Video video) {
    int across = Wire.tilesAcross(width);
    for (int t = 0; t < tiles; t++) {
      if ((bits[bitmapAt + (t >> 3)] & (1 << (t & 7))) == 0) {
        int px = (t % across) * Wire.TILE;
        int py = (t / across) * Wire.TILE;
        boolean inVideo =
            video != null
                && px >= video.x()
                && px < video.x() + video.w()
                && py >= video.y()
                && py < video.y() + video.h();
        if (!inVideo) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean allTiles(byte[] bits, int bitmapAt, int tiles) {
    for (int t = 0; t < tiles; t++) {
      if ((bits[bitmapAt + (t >> 3)] & (1 << (t & 7))) == 0) {
        return false;
      }
    }
    return true;
  }

  /** Inflates exactly {@code need} bytes: the output is bounded by the tile, never by the input. */
  private void inflateFully(byte[] dst, int need) throws Malformed, DataFormatException {
    int got = 0;
    int idle = 0;
    while (got < need) {
      int n = inflater.inflate(dst, got, need - got);
      if (n == 0) {
        if (inflater.needsInput()
            || inflater.finished()
            || inflater.needsDictionary()
            || ++idle > 2) {
          throw new Malformed("tile data ends early");
        }
      } else {
        idle = 0;
      }
      got += n;
    }
  }

  /**
   * Reads a body of {@code length} bytes. The buffer grows only as bytes actually arrive, so a
   * damaged length field costs at most twice the bytes the stream really holds.
   */
  private void readBody(int length) throws IOException, Malformed {
    int got = 0;
    while (got < length) {
      if (got == body.length) {
        byte[] bigger =
            new byte[(int) Math.min(length, Math.max(INITIAL_BUFFER, 2L * body.length))];
        System.arraycopy(body, 0, bigger, 0, got);
        body = bigger;
      }
      int n = in.read(body, got, Math.min(length, body.length) - got);
      if (n < 0) {
        throw new Malformed("segment ends inside a record");
      }
      got += n;
    }
    bodyLength = length;
  }

  private long readStreamInt() throws IOException, Malformed {
    if (in.readNBytes(envelope, 0, 4) < 4) {
      throw new Malformed("segment ends inside a record");
    }
    return (envelope[0] & 0xFFL) << 24
        | (envelope[1] & 0xFF) << 16
        | (envelope[2] & 0xFF) << 8
        | (envelope[3] & 0xFF);
  }

  private void need(int n) throws Malformed {
    if (n > bodyLength - pos) {
      throw new Malformed("record body is too short");
    }
  }

  private int u8() throws Malformed {
    need(1);
    return body[pos++] & 0xFF;
  }

  private int u16() throws Malformed {
    need(2);
    int v = (body[pos] & 0xFF) << 8 | (body[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  private int i32() throws Malformed {
    need(4);
    int v =
        (body[pos] & 0xFF) << 24
            | (body[pos + 1] & 0xFF) << 16
            | (body[pos + 2] & 0xFF) << 8
            | (body[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  private long i64() throws Malformed {
    long hi = i32() & 0xFFFFFFFFL;
    return hi << 32 | (i32() & 0xFFFFFFFFL);
  }

  private SegmentHeader readHeader() throws IOException {
    byte[] fixed = in.readNBytes(8);
    if (fixed.length < 8) {
      throw new CorruptSegmentException("segment header cut short");
    }
    int magic =
        (fixed[0] & 0xFF) << 24
            | (fixed[1] & 0xFF) << 16
            | (fixed[2] & 0xFF) << 8
            | (fixed[3] & 0xFF);
    if (magic != Wire.MAGIC) {
      throw new CorruptSegmentException("not a capture segment (bad magic)");
    }
    int version = (fixed[4] & 0xFF) << 8 | (fixed[5] & 0xFF);
    if (version < Wire.OLDEST_READABLE || version > Wire.VERSION) {
      throw new CorruptSegmentException("capture format version " + version + " is not supported");
    }
    this.version = version;
    int length = (fixed[6] & 0xFF) << 8 | (fixed[7] & 0xFF);
    readBodyForHeader(length);
    CRC32 hcrc = new CRC32();
    hcrc.update(body, 0, length);
    long expected;
    try {
      expected = readStreamInt();
    } catch (Malformed e) {
      throw new CorruptSegmentException("segment header cut short");
    }
    if ((int) hcrc.getValue() != (int) expected) {
      throw new CorruptSegmentException("segment header checksum mismatch");
    }
    try {
      pos = 0;
      int idLength = u16();
      need(idLength);
      String recordingId = decodeModifiedUtf8(body, pos, idLength);
      pos += idLength;
      int index = i32();
      long startedAt = i64();
      int count = u8();
      if (count < 1 || count > FormatLimits.MAX_SCREENS) {
        throw new Malformed("segment header names " + count + " screens");
      }
      List<ScreenLayout> screens = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        screens.add(new ScreenLayout(u8(), i32(), i32(), u16(), u16()));
      }
      return new SegmentHeader(recordingId, index, startedAt, screens);
    } catch (Malformed e) {
      throw new CorruptSegmentException("segment header is invalid: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new CorruptSegmentException("segment header is invalid: " + e.getMessage());
    }
  }

  private void readBodyForHeader(int length) throws IOException {
    try {
      readBody(length);
    } catch (Malformed e) {
      throw new CorruptSegmentException("segment header cut short");
    }
  }

  /** Java's modified UTF-8 (DataOutput.writeUTF) without DataInput's exceptions. */
  private static String decodeModifiedUtf8(byte[] b, int off, int len) throws Malformed {
    StringBuilder s = new StringBuilder(len);
    int i = off;
    int end = off + len;
    while (i < end) {
      int c = b[i] & 0xFF;
      if (c < 0x80) {
        if (c == 0) {
          throw new Malformed("recording id holds a raw NUL byte");
        }
        s.append((char) c);
        i++;
      } else if ((c & 0xE0) == 0xC0 && i + 1 < end && (b[i + 1] & 0xC0) == 0x80) {
        s.append((char) ((c & 0x1F) << 6 | (b[i + 1] & 0x3F)));
        i += 2;
      } else if ((c & 0xF0) == 0xE0
          && i + 2 < end
          && (b[i + 1] & 0xC0) == 0x80
          && (b[i + 2] & 0xC0) == 0x80) {
        s.append((char) ((c & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F)));
        i += 3;
      } else {
        throw new Malformed("recording id is not modified UTF-8");
      }
    }
    return s.toString();
  }

  /** A damaged record; cheap because it carries no stack trace. */
  private static final class Malformed extends Exception {
    Malformed(String message) {
      super(message, null, false, false);
    }
  }
}
