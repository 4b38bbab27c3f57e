package cz.zoom.screenrec.format;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The version-1 writer as it shipped, kept in the tests so that the reader is shown to decode
 * version-1 segments still. Writes one segment: header, records, trailer. Frames are cut into 64x64
 * tiles and only the tiles that differ from the previous frame of the same screen are stored (all
 * of them in a key frame), losslessly deflated. Not thread-safe.
 */
final class SegmentWriterV1 implements Closeable {
  private final DataOutputStream out;
  private final SegmentHeader header;
  private final Map<Integer, int[]> previous = new HashMap<>();
  private final Deflater deflater = new Deflater(Deflater.BEST_SPEED);
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
  private final byte[] chunk = new byte[64 * 1024];
  private long lastTime;
  private int frames;
  private long bytes;
  private boolean closed;

  SegmentWriterV1(OutputStream out, SegmentHeader header) throws IOException {
    this.out = new DataOutputStream(new BufferedOutputStream(out, 64 * 1024));
    this.header = header;
    this.lastTime = header.startedAt();
    writeHeader();
  }

  public SegmentHeader header() {
    return header;
  }

  /**
   * Adds the picture of one screen. The first frame of each screen in a segment is always a key
   * frame, so a decoder can start at any segment.
   *
   * @param rgb 0xRRGGBB pixels, row by row, exactly width*height of the screen's layout
   */
  public void writeFrame(int screenId, long captureTime, int[] rgb, boolean keyframe)
      throws IOException {
    ScreenLayout screen = header.screen(screenId);
    if (screen == null) {
      throw new IllegalArgumentException("screen " + screenId + " is not in this segment's header");
    }
    if (rgb.length != screen.width() * screen.height()) {
      throw new IllegalArgumentException(
          "frame has "
              + rgb.length
              + " pixels, screen "
              + screenId
              + " has "
              + screen.width() * screen.height());
    }
    int[] prev = previous.get(screenId);
    boolean key = keyframe || prev == null;
    int across = Wire.tilesAcross(screen.width());
    int down = Wire.tilesDown(screen.height());
    byte[] bitmap = new byte[(across * down + 7) / 8];
    body.reset();
    deflater.reset();
    byte[] tilePixels = new byte[Wire.TILE * Wire.TILE * 3];

    for (int ty = 0; ty < down; ty++) {
      for (int tx = 0; tx < across; tx++) {
        if (key || tileDiffers(prev, rgb, screen.width(), screen.height(), tx, ty)) {
          int t = ty * across + tx;
          bitmap[t >> 3] |= (byte) (1 << (t & 7));
          int n = copyTile(rgb, screen.width(), screen.height(), tx, ty, tilePixels);
          deflate(tilePixels, n);
        }
      }
    }
    deflater.finish();
    drainDeflater();
    ByteArrayOutputStream rec = new ByteArrayOutputStream(bitmap.length + body.size() + 32);
    DataOutputStream r = new DataOutputStream(rec);
    r.writeByte(screenId);
    r.writeByte(key ? Wire.FLAG_KEY : 0);
    r.writeLong(captureTime);
    r.writeShort(screen.width());
    r.writeShort(screen.height());
    r.write(bitmap);
    body.writeTo(r);
    writeRecord(Wire.FRAME, rec.toByteArray());
    if (prev == null) {
      prev = new int[rgb.length];
      previous.put(screenId, prev);
    }
    System.arraycopy(rgb, 0, prev, 0, rgb.length);
    lastTime = Math.max(lastTime, captureTime);
    frames++;
  }

  public void writeCursor(long time, int x, int y) throws IOException {
    ByteArrayOutputStream rec = new ByteArrayOutputStream(16);
    DataOutputStream r = new DataOutputStream(rec);
    r.writeLong(time);
    r.writeInt(x);
    r.writeInt(y);
    writeRecord(Wire.CURSOR, rec.toByteArray());
    lastTime = Math.max(lastTime, time);
  }

  public void writeGap(long from, long until, GapReason reason) throws IOException {
    ByteArrayOutputStream rec = new ByteArrayOutputStream(17);
    DataOutputStream r = new DataOutputStream(rec);
    r.writeLong(from);
    r.writeLong(until);
    r.writeByte(reason.ordinal());
    writeRecord(Wire.GAP, rec.toByteArray());
    lastTime = Math.max(lastTime, until);
  }

  public int frames() {
    return frames;
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
    ByteArrayOutputStream rec = new ByteArrayOutputStream(12);
    DataOutputStream r = new DataOutputStream(rec);
    r.writeLong(Math.max(endTime, lastTime));
    r.writeInt(frames);
    writeRecord(Wire.END, rec.toByteArray());
    out.close();
    deflater.end();
  }

  @Override
  public void close() throws IOException {
    close(lastTime);
  }

  private void writeHeader() throws IOException {
    out.writeInt(Wire.MAGIC);
    out.writeShort(1);
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(h);
    d.writeUTF(header.recordingId());
    d.writeInt(header.segmentIndex());
    d.writeLong(header.startedAt());
    d.writeByte(header.screens().size());
    for (ScreenLayout s : header.screens()) {
      d.writeByte(s.id());
      d.writeInt(s.x());
      d.writeInt(s.y());
      d.writeShort(s.width());
      d.writeShort(s.height());
    }
    byte[] hb = h.toByteArray();
    out.writeShort(hb.length);
    out.write(hb);
    CRC32 crc = new CRC32();
    crc.update(hb);
    out.writeInt((int) crc.getValue());
    bytes += 4 + 2 + 2 + hb.length + 4;
  }

  private void writeRecord(byte type, byte[] recordBody) throws IOException {
    if (recordBody.length > FormatLimits.MAX_RECORD) {
      throw new IOException("record of " + recordBody.length + " bytes exceeds the format's limit");
    }
    CRC32 crc = new CRC32();
    crc.update(type);
    crc.update(recordBody);
    out.writeByte(type);
    out.writeInt(recordBody.length);
    out.write(recordBody);
    out.writeInt((int) crc.getValue());
    bytes += 1 + 4 + recordBody.length + 4;
  }

  private void deflate(byte[] data, int length) {
    deflater.setInput(data, 0, length);
    while (!deflater.needsInput()) {
      int n = deflater.deflate(chunk, 0, chunk.length, Deflater.NO_FLUSH);
      body.write(chunk, 0, n);
    }
  }

  private void drainDeflater() {
    while (!deflater.finished()) {
      int n = deflater.deflate(chunk);
      body.write(chunk, 0, n);
    }
  }

  private static boolean tileDiffers(int[] prev, int[] cur, int width, int height, int tx, int ty) {
    int x0 = tx * Wire.TILE;
    int y0 = ty * Wire.TILE;
    int x1 = Math.min(x0 + Wire.TILE, width);
    int y1 = Math.min(y0 + Wire.TILE, height);
    for (int y = y0; y < y1; y++) {
      int row = y * width;
      for (int x = x0; x < x1; x++) {
        if (((prev[row + x] ^ cur[row + x]) & 0xFFFFFF) != 0) {
          return true;
        }
      }
    }
    return false;
  }

  private static int copyTile(int[] rgb, int width, int height, int tx, int ty, byte[] dst) {
    int x0 = tx * Wire.TILE;
    int y0 = ty * Wire.TILE;
    int x1 = Math.min(x0 + Wire.TILE, width);
    int y1 = Math.min(y0 + Wire.TILE, height);
    int n = 0;
    for (int y = y0; y < y1; y++) {
      int row = y * width;
      for (int x = x0; x < x1; x++) {
        int p = rgb[row + x];
        dst[n++] = (byte) (p >> 16);
        dst[n++] = (byte) (p >> 8);
        dst[n++] = (byte) p;
      }
    }
    return n;
  }
}
