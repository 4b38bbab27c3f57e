package cz.zoom.screenrec.format;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a segment written by {@link SegmentWriter}. Never throws on a damaged body: a corrupt or
 * missing part ends the segment with one {@link SegmentEvent.Truncated}. Not thread-safe.
 */
public final class SegmentReader implements Closeable {
  private final DataInputStream in;
  private final SegmentHeader header;
  private final Map<Integer, int[]> screens = new HashMap<>();
  private final Inflater inflater = new Inflater();
  private long lastTime;
  private boolean done;

  /** Reads the header; throws {@link CorruptSegmentException} if it is not a valid segment. */
  public SegmentReader(InputStream input) throws IOException {
    this.in = new DataInputStream(new BufferedInputStream(input, 64 * 1024));
    this.header = readHeader();
    this.lastTime = header.startedAt();
  }

  public SegmentHeader header() {
    return header;
  }

  /** The next event, or null after the trailer or after a {@link SegmentEvent.Truncated}. */
  public SegmentEvent next() throws IOException {
    if (done) {
      return null;
    }
    try {
      int type = in.read();
      if (type < 0) {
        return truncated("segment ends without a trailer");
      }
      int length = in.readInt();
      if (length < 0 || length > Wire.MAX_RECORD) {
        return truncated("record length " + length + " is out of bounds");
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        return truncated("record cut short");
      }
      int expected = in.readInt();
      CRC32 crc = new CRC32();
      crc.update(type);
      crc.update(body);
      if ((int) crc.getValue() != expected) {
        return truncated("record checksum mismatch");
      }
      return decode((byte) type, body);
    } catch (EOFException e) {
      return truncated("segment ends inside a record");
    } catch (IllegalArgumentException | IndexOutOfBoundsException | DataFormatException e) {
      return truncated("record is malformed: " + e.getMessage());
    }
  }

  /** Reads every event into a list; frames are copied so the list can be kept. */
  public List<SegmentEvent> readAll() throws IOException {
    List<SegmentEvent> events = new ArrayList<>();
    for (SegmentEvent e = next(); e != null; e = next()) {
      if (e instanceof SegmentEvent.Frame f) {
        e = new SegmentEvent.Frame(f.screenId(), f.time(), f.width(), f.height(), f.rgb().clone(), f.keyframe());
      }
      events.add(e);
    }
    return events;
  }

  @Override
  public void close() throws IOException {
    inflater.end();
    in.close();
  }

  private SegmentEvent truncated(String reason) {
    done = true;
    return new SegmentEvent.Truncated(lastTime, reason);
  }

  private SegmentEvent decode(byte type, byte[] body) throws IOException, DataFormatException {
    DataInputStream r = new DataInputStream(new ByteArrayInputStream(body));
    switch (type) {
      case Wire.FRAME:
        return decodeFrame(r, body);
      case Wire.CURSOR: {
        long time = r.readLong();
        lastTime = Math.max(lastTime, time);
        return new SegmentEvent.Cursor(time, r.readInt(), r.readInt());
      }
      case Wire.GAP: {
        long from = r.readLong();
        long until = r.readLong();
        lastTime = Math.max(lastTime, until);
        return new SegmentEvent.Gap(from, until, GapReason.fromCode(r.readUnsignedByte()));
      }
      case Wire.END: {
        done = true;
        long end = r.readLong();
        return new SegmentEvent.End(end, r.readInt());
      }
      default:
        return truncated("unknown record type " + (type & 0xFF));
    }
  }

  private SegmentEvent decodeFrame(DataInputStream r, byte[] body) throws IOException, DataFormatException {
    int screenId = r.readUnsignedByte();
    boolean key = (r.readUnsignedByte() & Wire.FLAG_KEY) != 0;
    long time = r.readLong();
    int width = r.readUnsignedShort();
    int height = r.readUnsignedShort();
    ScreenLayout layout = header.screen(screenId);
    if (layout == null || layout.width() != width || layout.height() != height) {
      return truncated("frame of unknown screen " + screenId + " or wrong size");
    }
    int[] rgb = screens.get(screenId);
    if (rgb == null) {
      if (!key) {
        return truncated("delta frame of screen " + screenId + " before its key frame");
      }
      rgb = new int[width * height];
      screens.put(screenId, rgb);
    }
    int across = Wire.tilesAcross(width);
    int down = Wire.tilesDown(height);
    byte[] bitmap = new byte[(across * down + 7) / 8];
    r.readFully(bitmap);
    int offset = 1 + 1 + 8 + 2 + 2 + bitmap.length;
    inflater.reset();
    inflater.setInput(body, offset, body.length - offset);
    byte[] tile = new byte[Wire.TILE * Wire.TILE * 3];
    for (int ty = 0; ty < down; ty++) {
      for (int tx = 0; tx < across; tx++) {
        int t = ty * across + tx;
        if ((bitmap[t >> 3] & (1 << (t & 7))) == 0) {
          continue;
        }
        int x0 = tx * Wire.TILE;
        int y0 = ty * Wire.TILE;
        int x1 = Math.min(x0 + Wire.TILE, width);
        int y1 = Math.min(y0 + Wire.TILE, height);
        int need = (x1 - x0) * (y1 - y0) * 3;
        inflateFully(tile, need);
        int n = 0;
        for (int y = y0; y < y1; y++) {
          int row = y * width;
          for (int x = x0; x < x1; x++) {
            rgb[row + x] = (tile[n] & 0xFF) << 16 | (tile[n + 1] & 0xFF) << 8 | (tile[n + 2] & 0xFF);
            n += 3;
          }
        }
      }
    }
    lastTime = Math.max(lastTime, time);
    return new SegmentEvent.Frame(screenId, time, width, height, rgb, key);
  }

  private void inflateFully(byte[] dst, int need) throws DataFormatException {
    int got = 0;
    while (got < need) {
      int n = inflater.inflate(dst, got, need - got);
      if (n == 0 && (inflater.needsInput() || inflater.finished() || inflater.needsDictionary())) {
        throw new DataFormatException("tile data ends early");
      }
      got += n;
    }
  }

  private SegmentHeader readHeader() throws IOException {
    try {
      if (in.readInt() != Wire.MAGIC) {
        throw new CorruptSegmentException("not a capture segment (bad magic)");
      }
      int version = in.readUnsignedShort();
      if (version != Wire.VERSION) {
        throw new CorruptSegmentException("capture format version " + version + " is not supported");
      }
      int length = in.readUnsignedShort();
      byte[] hb = in.readNBytes(length);
      if (hb.length < length) {
        throw new CorruptSegmentException("segment header cut short");
      }
      CRC32 crc = new CRC32();
      crc.update(hb);
      if ((int) crc.getValue() != in.readInt()) {
        throw new CorruptSegmentException("segment header checksum mismatch");
      }
      DataInputStream d = new DataInputStream(new ByteArrayInputStream(hb));
      String recordingId = d.readUTF();
      int index = d.readInt();
      long startedAt = d.readLong();
      int count = d.readUnsignedByte();
      List<ScreenLayout> screens = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        screens.add(new ScreenLayout(d.readUnsignedByte(), d.readInt(), d.readInt(),
            d.readUnsignedShort(), d.readUnsignedShort()));
      }
      return new SegmentHeader(recordingId, index, startedAt, screens);
    } catch (EOFException e) {
      throw new CorruptSegmentException("segment header cut short");
    } catch (IllegalArgumentException e) {
      throw new CorruptSegmentException("segment header is invalid: " + e.getMessage());
    }
  }
}
