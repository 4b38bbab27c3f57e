package cz.zoom.screenrec.format;

import java.awt.Rectangle;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Writes one segment: header, records, trailer (docs/capture-format.md). Frames are cut into 64x64
 * tiles and only the tiles that differ from the previous frame of the same screen are stored (all
 * of them in a key frame), losslessly: flat tiles as one colour, tiles with few changed pixels as
 * an XOR against the previous picture, photo-like content with a left-neighbour predictor, all
 * deflated. A vertical scroll is found and sent as a move, so that only the uncovered strip
 * travels. Given {@link VideoRegions}, the moving photo-like part of a screen (a video) is coded
 * lossy instead, as VIDEO records of its {@link RegionCodec}, and only the rest as tiles. Buffers
 * are reused from frame to frame. Not thread-safe.
 */
public final class SegmentWriter implements Closeable {
  /** Tiles that must change before a scroll is looked for; fewer cost little anyway. */
  private static final int SCROLL_MIN_TILES = 4;

  /** A frame whose changed tiles deflate worse than this is treated as photo-like. */
  private static final double PHOTO_RATIO = 0.35;

  /**
   * Deflate level of screen content (photo-like frames use Huffman coding only, where the level
   * does not matter). Level 6 rather than 1: a 1080p office key frame shrinks from 65 KB to 33 KB
   * for about 10 ms more, and a minute of office deltas at 5 fps from 750 KB to 580 KB for 0.7 ms
   * more a frame; level 9 saves 7% more for twice the time again.
   */
  private static final int LEVEL = 6;

  private final OutputStream out;
  private final SegmentHeader header;
  private final VideoRegions regions;
  private final Screen[] screens = new Screen[256];
  private final Deflater deflater = new Deflater(LEVEL);
  private final CRC32 crc = new CRC32();
  private final byte[] tile = new byte[1 + Wire.TILE * Wire.TILE * 3];
  private final byte[] small = new byte[32];
  private byte[] rec = new byte[64 * 1024];
  private int recLength;
  private long lastTime;
  private boolean videoFailed;
  private int frames;
  private long bytes;
  private long videoBytes;
  private boolean closed;

  /** What the writer remembers of one screen between frames. */
  private static final class Screen {
    final ScreenLayout layout;
    final int across;
    final int down;

    /** The picture the reader will hold after the last frame. */
    int[] picture;

    final boolean[] changed;
    final boolean[] dirty;
    final byte[] bitmap;

    /** Compressed to raw size of the last frame's tile data; decides photo mode. */
    double lastRatio;

    /** The lossy stream of this screen's moving region, if one is open. */
    VideoStream video;

    /**
     * Tiles whose pixels the reader took from a lossy picture, so this writer does not know them:
     * they are never XOR-coded, no scroll moves them, and they are sent again when their region
     * ends.
     */
    final boolean[] stale;

    int staleTiles;

    // Scroll search scratch, allocated on the first search.
    int[] rowHashPrev;
    int[] rowHashCur;
    int[] table;
    int[] votes;

    Screen(ScreenLayout layout) {
      this.layout = layout;
      this.across = Wire.tilesAcross(layout.width());
      this.down = Wire.tilesDown(layout.height());
      this.changed = new boolean[across * down];
      this.dirty = new boolean[across * down];
      this.bitmap = new byte[(across * down + 7) / 8];
      this.stale = new boolean[across * down];
    }

    int x(VideoRegions.Area a) {
      return a.tx0() * Wire.TILE;
    }

    int y(VideoRegions.Area a) {
      return a.ty0() * Wire.TILE;
    }

    int w(VideoRegions.Area a) {
      return Math.min(a.tx1() * Wire.TILE, layout.width()) - x(a);
    }

    int h(VideoRegions.Area a) {
      return Math.min(a.ty1() * Wire.TILE, layout.height()) - y(a);
    }
  }

  /** One open lossy stream: where, at what quality, and its encoder. */
  private static final class VideoStream {
    final VideoRegions.Area area;
    final VideoRegions.Quality quality;
    final int codedWidth;
    final int codedHeight;
    final RegionCodec.Encoder encoder;
    int frames;
    boolean started;

    VideoStream(
        VideoRegions.Area area,
        VideoRegions.Quality quality,
        int codedWidth,
        int codedHeight,
        RegionCodec.Encoder encoder) {
      this.area = area;
      this.quality = quality;
      this.codedWidth = codedWidth;
      this.codedHeight = codedHeight;
      this.encoder = encoder;
    }

    /** A changed kbps (by 20% or more) or size needs a new stream; a frame interval does not. */
    boolean fits(VideoRegions.Area a, VideoRegions.Quality q) {
      return area.equals(a)
          && quality.scaleDivisor() == q.scaleDivisor()
          && Math.abs(quality.kbps() - q.kbps()) * 100 < 20 * quality.kbps();
    }
  }

  /** A writer of lossless tiles only. */
  public SegmentWriter(OutputStream out, SegmentHeader header) throws IOException {
    this(out, header, null);
  }

  /**
   * A writer that codes moving photo-like regions lossy through {@code regions} (null: lossless
   * only).
   */
  public SegmentWriter(OutputStream out, SegmentHeader header, VideoRegions regions)
      throws IOException {
    this.out = new BufferedOutputStream(out, 64 * 1024);
    this.header = header;
    this.regions = regions;
    this.lastTime = header.startedAt();
    for (ScreenLayout s : header.screens()) {
      screens[s.id()] = new Screen(s);
    }
    writeHeader();
  }

  public SegmentHeader header() {
    return header;
  }

  /**
   * Adds the picture of one screen. The first frame of each screen in a segment is always a key
   * frame, so a decoder can start at any segment.
   *
   * @param rgb 0xRRGGBB pixels, row by row, exactly width*height of the screen's layout; the top 8
   *     bits are ignored
   */
  public void writeFrame(int screenId, long captureTime, int[] rgb, boolean keyframe)
      throws IOException {
    writeFrame(screenId, captureTime, rgb, keyframe, (int[]) null);
  }

  /**
   * Like {@link #writeFrame(int, long, int[], boolean)}, with the rectangles the platform reports
   * as changed since the previous frame (e.g. X11 XDamage, DXGI dirty rects): tiles outside them
   * are taken as unchanged without being compared, which makes an idle screen almost free.
   *
   * @param dirtyRects x, y, width, height of each changed rectangle, in screen pixels, one after
   *     the other; null means "unknown", so every tile is compared. Parts outside the screen are
   *     ignored.
   */
  public void writeFrame(
      int screenId, long captureTime, int[] rgb, boolean keyframe, int[] dirtyRects)
      throws IOException {
    Screen s = screen(screenId, rgb);
    if (dirtyRects != null && dirtyRects.length % 4 != 0) {
      throw new IllegalArgumentException(
          "dirtyRects holds x,y,w,h quadruples, had " + dirtyRects.length + " ints");
    }
    boolean key = keyframe || s.picture == null;
    int width = s.layout.width();
    int height = s.layout.height();
    if (s.picture == null) {
      s.picture = new int[width * height];
    }
    if (dirtyRects != null && !key) {
      Arrays.fill(s.dirty, false);
      for (int i = 0; i < dirtyRects.length; i += 4) {
        markDirty(s, dirtyRects[i], dirtyRects[i + 1], dirtyRects[i + 2], dirtyRects[i + 3]);
      }
    }
    for (int t = 0; t < s.changed.length; t++) {
      s.changed[t] = key || ((dirtyRects == null || s.dirty[t]) && tileDiffers(s, rgb, t));
      // lossy pixels without a stream that owns them are sent exactly, whatever changed
      s.changed[t] |= s.stale[t] && s.video == null;
    }
    if (regions != null) {
      VideoRegions.Area area = regions.motion(s.layout).update(key ? null : s.changed, rgb);
      writeVideo(s, area, captureTime, rgb, key);
    }
    int changedTiles = 0;
    for (int t = 0; t < s.changed.length; t++) {
      changedTiles += s.changed[t] ? 1 : 0;
    }

    recLength = 0;
    put8(screenId);
    put8(key ? Wire.FLAG_KEY : 0);
    put64(captureTime);
    put16(width);
    put16(height);
    int moveCountAt = recLength;
    put8(0);
    if (!key && changedTiles >= SCROLL_MIN_TILES && s.staleTiles == 0 && s.video == null) {
      changedTiles = findScroll(s, rgb, moveCountAt, changedTiles);
    }
    if (changedTiles > 0) {
      writeTiles(s, rgb, key, changedTiles);
    }
    writeRecord(Wire.FRAME);
    lastTime = Math.max(lastTime, captureTime);
    frames++;
  }

  /** {@link #writeFrame(int, long, int[], boolean, int[])} with AWT rectangles. */
  public void writeFrame(
      int screenId, long captureTime, int[] rgb, boolean keyframe, List<Rectangle> dirtyRects)
      throws IOException {
    int[] quads = null;
    if (dirtyRects != null) {
      quads = new int[dirtyRects.size() * 4];
      for (int i = 0; i < dirtyRects.size(); i++) {
        Rectangle r = dirtyRects.get(i);
        quads[4 * i] = r.x;
        quads[4 * i + 1] = r.y;
        quads[4 * i + 2] = r.width;
        quads[4 * i + 3] = r.height;
      }
    }
    writeFrame(screenId, captureTime, rgb, keyframe, quads);
  }

  public void writeCursor(long time, int x, int y) throws IOException {
    recLength = 0;
    put64(time);
    put32(x);
    put32(y);
    writeRecord(Wire.CURSOR);
    lastTime = Math.max(lastTime, time);
  }

  public void writeGap(long from, long until, GapReason reason) throws IOException {
    recLength = 0;
    put64(from);
    put64(until);
    put8(reason.ordinal());
    writeRecord(Wire.GAP);
    lastTime = Math.max(lastTime, until);
  }

  public int frames() {
    return frames;
  }

  /** Bytes of VIDEO records among {@link #bytesWritten()}. */
  public long videoBytesWritten() {
    return videoBytes;
  }

  /** Bytes handed to the stream so far (header and records; buffered ones included). */
  public long bytesWritten() {
    return bytes;
  }

  /** Writes the trailer with the segment's end time and closes the stream. */
  public void close(long endTime) throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      recLength = 0;
      put64(Math.max(endTime, lastTime));
      put32(frames);
      writeRecord(Wire.END);
      out.close();
    } finally {
      deflater.end();
      for (Screen s : screens) {
        if (s != null && s.video != null) {
          s.video.encoder.close();
          s.video = null;
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    close(lastTime);
  }

  // ---- lossy regions

  /**
   * Ends, opens or goes on with the screen's lossy stream for this frame's moving region and takes
   * the region's tiles out of the tile coding. A region that ends leaves stale tiles, which the
   * frame then sends exactly; a codec that fails gives way to lossless tiles for the writer's life.
   */
  private void writeVideo(Screen s, VideoRegions.Area area, long time, int[] rgb, boolean key)
      throws IOException {
    VideoRegions.Quality quality = regions.quality();
    VideoStream stream = s.video;
    if (stream != null && (area == null || !stream.fits(area, quality))) {
      endVideo(s, time);
      stream = null;
    }
    if (area == null || videoFailed) {
      return;
    }
    boolean fresh = stream == null;
    boolean now = fresh || key || stream.frames % quality.frameInterval() == 0;
    byte[] data = null;
    try {
      if (fresh) {
        int w = s.w(area);
        int h = s.h(area);
        int cw = coded(w, quality.scaleDivisor());
        int ch = coded(h, quality.scaleDivisor());
        stream =
            new VideoStream(
                area, quality, cw, ch, regions.codec().newEncoder(w, h, cw, ch, quality.kbps()));
        s.video = stream;
      }
      if (now) {
        data =
            stream.encoder.encode(rgb, s.layout.width(), s.x(area), s.y(area), time, fresh || key);
      }
    } catch (IOException | RuntimeException | LinkageError e) {
      // Native coding failed: every region goes back to exact tiles, nothing is lost.
      videoFailed = true;
      regions.failed(e);
      for (Screen other : screens) {
        if (other != null && other.video != null && other.video.started) {
          endVideo(other, time);
        } else if (other != null && other.video != null) {
          other.video.encoder.close();
          other.video = null;
        }
      }
      return;
    }
    stream.frames++;
    if (now) {
      putVideoHead(s, stream, time, fresh || key ? Wire.FLAG_KEY : 0);
      ensure(data.length);
      System.arraycopy(data, 0, rec, recLength, data.length);
      recLength += data.length;
      writeRecord(Wire.VIDEO);
      videoBytes += 9 + recLength;
      stream.started = true;
      lastTime = Math.max(lastTime, time);
      copyArea(s, area, rgb);
    }
    for (int ty = area.ty0(); ty < area.ty1(); ty++) {
      for (int tx = area.tx0(); tx < area.tx1(); tx++) {
        int t = ty * s.across + tx;
        s.changed[t] = false;
        if (!s.stale[t]) {
          s.stale[t] = true;
          s.staleTiles++;
        }
      }
    }
  }

  /** Writes the END of the screen's stream; its tiles are sent exactly by this frame. */
  private void endVideo(Screen s, long time) throws IOException {
    VideoStream stream = s.video;
    s.video = null;
    stream.encoder.close();
    putVideoHead(s, stream, time, Wire.FLAG_END);
    writeRecord(Wire.VIDEO);
    for (int t = 0; t < s.stale.length; t++) {
      s.changed[t] |= s.stale[t];
    }
  }

  private void putVideoHead(Screen s, VideoStream stream, long time, int flags) {
    recLength = 0;
    put8(s.layout.id());
    put8(flags);
    put64(time);
    put16(s.x(stream.area));
    put16(s.y(stream.area));
    put16(s.w(stream.area));
    put16(s.h(stream.area));
    put16(stream.codedWidth);
    put16(stream.codedHeight);
    put8(regions.codec().id());
  }

  /** The writer's stand-in for the reader's lossy pixels: what was coded, for change detection. */
  private static void copyArea(Screen s, VideoRegions.Area area, int[] rgb) {
    int width = s.layout.width();
    int x = s.x(area);
    int w = s.w(area);
    for (int y = s.y(area), end = y + s.h(area); y < end; y++) {
      System.arraycopy(rgb, y * width + x, s.picture, y * width + x, w);
    }
  }

  /** A coded side: the size divided, even (4:2:0 chroma), at least 2. */
  private static int coded(int size, int divisor) {
    if (divisor == 1) {
      return size;
    }
    return Math.min(size, Math.max(2, (size / divisor) & ~1));
  }

  // ---- frames

  private Screen screen(int screenId, int[] rgb) {
    Screen s = screenId >= 0 && screenId < 256 ? screens[screenId] : null;
    if (s == null) {
      throw new IllegalArgumentException("screen " + screenId + " is not in this segment's header");
    }
    if (rgb.length != s.layout.width() * s.layout.height()) {
      throw new IllegalArgumentException(
          "frame has "
              + rgb.length
              + " pixels, screen "
              + screenId
              + " has "
              + s.layout.width() * s.layout.height());
    }
    if (closed) {
      throw new IllegalStateException("segment is closed");
    }
    return s;
  }

  private static void markDirty(Screen s, int x, int y, int w, int h) {
    int x0 = Math.max(0, x);
    int y0 = Math.max(0, y);
    long x1 = Math.min((long) x + Math.max(0, w), s.layout.width());
    long y1 = Math.min((long) y + Math.max(0, h), s.layout.height());
    if (x0 >= x1 || y0 >= y1) {
      return;
    }
    for (int ty = y0 / Wire.TILE; ty <= (int) (y1 - 1) / Wire.TILE; ty++) {
      for (int tx = x0 / Wire.TILE; tx <= (int) (x1 - 1) / Wire.TILE; tx++) {
        s.dirty[ty * s.across + tx] = true;
      }
    }
  }

  private static boolean tileDiffers(Screen s, int[] cur, int t) {
    int width = s.layout.width();
    int x0 = (t % s.across) * Wire.TILE;
    int y0 = (t / s.across) * Wire.TILE;
    int x1 = Math.min(x0 + Wire.TILE, width);
    int y1 = Math.min(y0 + Wire.TILE, s.layout.height());
    int[] prev = s.picture;
    for (int y = y0; y < y1; y++) {
      int from = y * width + x0;
      int to = y * width + x1;
      // Arrays.mismatch is vectorised; the masked check only runs where the raw ints differ.
      int m;
      while (from < to && (m = Arrays.mismatch(prev, from, to, cur, from, to)) >= 0) {
        int i = from + m;
        if (((prev[i] ^ cur[i]) & 0xFFFFFF) != 0) {
          return true;
        }
        from = i + 1;
      }
    }
    return false;
  }

  /**
   * Looks for a vertical scroll inside the changed tiles' bounding box: rows of the new frame that
   * equal rows of the picture some distance above or below vote for that distance. A clear winner
   * becomes a move, applied to the picture here and by the reader, and the changed tiles are then
   * compared again. Returns the number of changed tiles.
   */
  private int findScroll(Screen s, int[] rgb, int moveCountAt, int changedTiles) {
    int width = s.layout.width();
    int height = s.layout.height();
    int tx0 = s.across;
    int tx1 = -1;
    int ty0 = s.down;
    int ty1 = -1;
    for (int t = 0; t < s.changed.length; t++) {
      if (s.changed[t]) {
        tx0 = Math.min(tx0, t % s.across);
        tx1 = Math.max(tx1, t % s.across);
        ty0 = Math.min(ty0, t / s.across);
        ty1 = Math.max(ty1, t / s.across);
      }
    }
    int x0 = tx0 * Wire.TILE;
    int x1 = Math.min((tx1 + 1) * Wire.TILE, width);
    int y0 = ty0 * Wire.TILE;
    int y1 = Math.min((ty1 + 1) * Wire.TILE, height);
    int rows = y1 - y0;
    if (rows < 32) {
      return changedTiles;
    }
    if (s.rowHashCur == null) {
      s.rowHashCur = new int[height];
      s.rowHashPrev = new int[height];
      s.table = new int[Integer.highestOneBit(Math.max(2, height * 2 - 1)) << 1];
      s.votes = new int[2 * height];
    }
    for (int y = y0; y < y1; y++) {
      s.rowHashCur[y] = rowHash(rgb, y * width + x0, x1 - x0);
      s.rowHashPrev[y] = rowHash(s.picture, y * width + x0, x1 - x0);
    }
    // Open-addressed table: previous rows by hash; rows equal to the one above (flat
    // backgrounds) match anything and are left out.
    int[] table = s.table;
    int mask = table.length - 1;
    Arrays.fill(table, -1);
    for (int y = y0; y < y1; y++) {
      int h = s.rowHashPrev[y];
      if (y > y0 && h == s.rowHashPrev[y - 1]) {
        continue;
      }
      int slot = mix(h) & mask;
      while (table[slot] >= 0 && s.rowHashPrev[table[slot]] != h) {
        slot = (slot + 1) & mask;
      }
      table[slot] = y; // a repeated row keeps its last position; good enough for a vote
    }
    int[] votes = s.votes;
    Arrays.fill(votes, 0);
    int bestShift = 0;
    int bestVotes = 0;
    for (int y = y0; y < y1; y++) {
      int h = s.rowHashCur[y];
      if ((y > y0 && h == s.rowHashCur[y - 1]) || h == s.rowHashPrev[y]) {
        continue;
      }
      int slot = mix(h) & mask;
      while (table[slot] >= 0) {
        if (s.rowHashPrev[table[slot]] == h) {
          int shift = y - table[slot];
          int v = ++votes[shift + height];
          if (v > bestVotes) {
            bestVotes = v;
            bestShift = shift;
          }
          break;
        }
        slot = (slot + 1) & mask;
      }
    }
    if (bestShift == 0 || bestVotes < Math.max(8, rows / 10)) {
      return changedTiles;
    }
    // Move only the rows that matched (a toolbar above a scrolling view stays put); the
    // uncovered strip and anything else that differs is sent as tiles.
    int first = -1;
    int last = -1;
    for (int y = Math.max(y0, y0 + bestShift); y < Math.min(y1, y1 + bestShift); y++) {
      if (s.rowHashCur[y] == s.rowHashPrev[y - bestShift]) {
        first = first < 0 ? y : first;
        last = y;
      }
    }
    int dstY = first;
    int srcY = dstY - bestShift;
    int h = last - first + 1;
    Wire.move(s.picture, width, x0, srcY, x1 - x0, h, x0, dstY);
    rec[moveCountAt] = 1;
    put16(x0);
    put16(srcY);
    put16(x1 - x0);
    put16(h);
    put16(x0);
    put16(dstY);
    int count = 0;
    for (int t = 0; t < s.changed.length; t++) {
      int tx = t % s.across;
      int ty = t / s.across;
      if (tx >= tx0 && tx <= tx1 && ty >= ty0 && ty <= ty1) {
        s.changed[t] = tileDiffers(s, rgb, t);
      }
      count += s.changed[t] ? 1 : 0;
    }
    return count;
  }

  /**
   * Hash of every other pixel of a row, in four independent lanes so the multiplications overlap; a
   * collision only costs a wrong vote, never a wrong picture.
   */
  private static int rowHash(int[] px, int from, int n) {
    int a = 1;
    int b = 2;
    int c = 3;
    int d = 4;
    int i = from;
    int end = from + n;
    for (; i + 8 <= end; i += 8) {
      a = 31 * a + (px[i] & 0xFFFFFF);
      b = 31 * b + (px[i + 2] & 0xFFFFFF);
      c = 31 * c + (px[i + 4] & 0xFFFFFF);
      d = 31 * d + (px[i + 6] & 0xFFFFFF);
    }
    for (; i < end; i++) {
      a = 31 * a + (px[i] & 0xFFFFFF);
    }
    return a ^ Integer.rotateLeft(b, 8) ^ Integer.rotateLeft(c, 16) ^ Integer.rotateLeft(d, 24);
  }

  private static int mix(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** Deflates bitmap and present tiles into the record, updating the picture as it goes. */
  private void writeTiles(Screen s, int[] rgb, boolean key, int changedTiles) {
    Arrays.fill(s.bitmap, (byte) 0);
    for (int t = 0; t < s.changed.length; t++) {
      if (s.changed[t]) {
        s.bitmap[t >> 3] |= (byte) (1 << (t & 7));
      }
    }
    // Mostly-changing, badly compressing frames (video) are photo-like: predict each pixel from
    // its left neighbour and skip LZ77 matching, which costs a lot and finds little there.
    boolean photo = changedTiles * 2 > s.changed.length && s.lastRatio > PHOTO_RATIO;
    deflater.reset();
    deflater.setLevel(LEVEL);
    deflater.setStrategy(photo ? Deflater.HUFFMAN_ONLY : Deflater.DEFAULT_STRATEGY);
    int start = recLength;
    long raw = s.bitmap.length;
    deflate(s.bitmap, s.bitmap.length);
    for (int t = 0; t < s.changed.length; t++) {
      if (s.changed[t]) {
        int n = encodeTile(s, rgb, t, key || s.stale[t], photo);
        if (s.stale[t]) {
          s.stale[t] = false;
          s.staleTiles--;
        }
        raw += n;
        deflate(tile, n);
      }
    }
    deflater.finish();
    while (!deflater.finished()) {
      ensure(64 * 1024);
      recLength += deflater.deflate(rec, recLength, rec.length - recLength);
    }
    s.lastRatio = (recLength - start) / (double) raw;
  }

  /**
   * Encodes tile t of rgb into {@link #tile}: mode byte and payload; copies it into the picture.
   * {@code unknownBefore}: the reader's pixels of the tile are not known here (a key frame, a stale
   * tile), so it must not be coded against them.
   */
  private int encodeTile(Screen s, int[] rgb, int t, boolean unknownBefore, boolean photo) {
    int width = s.layout.width();
    int x0 = (t % s.across) * Wire.TILE;
    int y0 = (t / s.across) * Wire.TILE;
    int x1 = Math.min(x0 + Wire.TILE, width);
    int y1 = Math.min(y0 + Wire.TILE, s.layout.height());
    int w = x1 - x0;
    int[] pic = s.picture;
    int first = rgb[y0 * width + x0] & 0xFFFFFF;
    boolean solid = true;
    for (int y = y0; y < y1 && solid; y++) {
      for (int i = y * width + x0, end = i + w; i < end; i++) {
        if ((rgb[i] & 0xFFFFFF) != first) {
          solid = false;
          break;
        }
      }
    }
    int n;
    if (solid) {
      tile[0] = Wire.MODE_SOLID;
      tile[1] = (byte) (first >> 16);
      tile[2] = (byte) (first >> 8);
      tile[3] = (byte) first;
      n = 4;
    } else if (photo) {
      tile[0] = Wire.MODE_SUB;
      n = 1;
      for (int y = y0; y < y1; y++) {
        int row = y * width;
        for (int x = x0; x < x1; x++) {
          int p = rgb[row + x];
          int pred = x > x0 ? rgb[row + x - 1] : y > y0 ? rgb[row - width + x] : 0;
          tile[n] = (byte) ((p >> 16) - (pred >> 16));
          tile[n + 1] = (byte) ((p >> 8) - (pred >> 8));
          tile[n + 2] = (byte) (p - pred);
          n += 3;
        }
      }
    } else {
      // XOR against the picture when most pixels kept their value (typing, a changed label),
      // so the unchanged ones become runs of zeros; plain RGB otherwise.
      int same = 0;
      n = 1;
      for (int y = y0; y < y1; y++) {
        int row = y * width;
        for (int x = x0; x < x1; x++) {
          int d = (rgb[row + x] ^ pic[row + x]) & 0xFFFFFF;
          same += d == 0 ? 1 : 0;
          tile[n] = (byte) (d >> 16);
          tile[n + 1] = (byte) (d >> 8);
          tile[n + 2] = (byte) d;
          n += 3;
        }
      }
      if (!unknownBefore && same * 4 >= w * (y1 - y0)) {
        tile[0] = Wire.MODE_XOR;
      } else {
        tile[0] = Wire.MODE_RAW;
        n = 1;
        for (int y = y0; y < y1; y++) {
          int row = y * width;
          for (int x = x0; x < x1; x++) {
            int p = rgb[row + x];
            tile[n] = (byte) (p >> 16);
            tile[n + 1] = (byte) (p >> 8);
            tile[n + 2] = (byte) p;
            n += 3;
          }
        }
      }
    }
    for (int y = y0; y < y1; y++) {
      System.arraycopy(rgb, y * width + x0, pic, y * width + x0, w);
    }
    return n;
  }

  private void deflate(byte[] data, int length) {
    deflater.setInput(data, 0, length);
    while (!deflater.needsInput()) {
      ensure(16 * 1024);
      recLength += deflater.deflate(rec, recLength, rec.length - recLength, Deflater.NO_FLUSH);
    }
  }

  // ---- records

  private void writeHeader() throws IOException {
    byte[] id = modifiedUtf8(header.recordingId());
    recLength = 0;
    put16(id.length);
    ensure(id.length);
    System.arraycopy(id, 0, rec, recLength, id.length);
    recLength += id.length;
    put32(header.segmentIndex());
    put64(header.startedAt());
    put8(header.screens().size());
    for (ScreenLayout s : header.screens()) {
      put8(s.id());
      put32(s.x());
      put32(s.y());
      put16(s.width());
      put16(s.height());
    }
    int n = 0;
    n = be32(small, n, Wire.MAGIC);
    small[n++] = (byte) (Wire.VERSION >> 8);
    small[n++] = (byte) Wire.VERSION;
    small[n++] = (byte) (recLength >> 8);
    small[n++] = (byte) recLength;
    out.write(small, 0, n);
    out.write(rec, 0, recLength);
    crc.reset();
    crc.update(rec, 0, recLength);
    be32(small, 0, (int) crc.getValue());
    out.write(small, 0, 4);
    bytes += n + recLength + 4;
  }

  private void writeRecord(byte type) throws IOException {
    if (recLength > FormatLimits.MAX_RECORD) {
      throw new IOException("record of " + recLength + " bytes exceeds the format's limit");
    }
    crc.reset();
    crc.update(type);
    crc.update(rec, 0, recLength);
    small[0] = type;
    be32(small, 1, recLength);
    out.write(small, 0, 5);
    out.write(rec, 0, recLength);
    be32(small, 0, (int) crc.getValue());
    out.write(small, 0, 4);
    bytes += 1 + 4 + recLength + 4;
  }

  private static byte[] modifiedUtf8(String s) {
    byte[] b = new byte[s.length() * 3];
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 1 && c < 0x80) {
        b[n++] = (byte) c;
      } else if (c < 0x800) {
        b[n++] = (byte) (0xC0 | c >> 6);
        b[n++] = (byte) (0x80 | (c & 0x3F));
      } else {
        b[n++] = (byte) (0xE0 | c >> 12);
        b[n++] = (byte) (0x80 | (c >> 6 & 0x3F));
        b[n++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    return Arrays.copyOf(b, n);
  }

  private void ensure(int more) {
    if (rec.length - recLength < more) {
      rec = Arrays.copyOf(rec, Math.max(rec.length * 2, recLength + more));
    }
  }

  private void put8(int v) {
    ensure(1);
    rec[recLength++] = (byte) v;
  }

  private void put16(int v) {
    ensure(2);
    rec[recLength++] = (byte) (v >> 8);
    rec[recLength++] = (byte) v;
  }

  private void put32(int v) {
    ensure(4);
    recLength = be32(rec, recLength, v);
  }

  private void put64(long v) {
    put32((int) (v >>> 32));
    put32((int) v);
  }

  private static int be32(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
    return at + 4;
  }
}
