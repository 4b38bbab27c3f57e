// Decodes one capture-format segment (docs/capture-format.md, versions 1-3) in the browser: the
// tiles with DecompressionStream, the VIDEO regions with WebCodecs. Runs in a worker or a page.
//
// The decoder keeps one RGBA picture per screen and yields events in file order:
//   {type: 'header', version, recordingId, segmentIndex, startedAt, screens: [{id, x, y, width, height}]}
//   {type: 'frame', screen, time, key, picture}  picture: the screen's whole RGBA picture after the
//                                                frame, a Uint8ClampedArray of its own that the
//                                                decoder never writes again (a player may queue it)
//   {type: 'cursor', time, x, y}
//   {type: 'gap', from, until, reason}
//   {type: 'end', endTime, frames}
//   {type: 'truncated', time, reason}            the last event: everything after is lost
// As the Java reader, it never trusts a byte: a record is used only whole and with its CRC, and the
// first bad one ends the segment with 'truncated'.

const MAGIC = 0x53524346;
const TILE = 64;
const MAX_RECORD = 128 * 1024 * 1024;
const MAX_SCREENS = 16;
const MAX_SIDE = 16384;
const MAX_PIXELS = 1 << 25;
const MAX_MOVES = 16;
const FRAME = 0x01;
const CURSOR = 0x02;
const GAP = 0x03;
const VIDEO = 0x04;
const END = 0xff;
const FLAG_KEY = 1;
const FLAG_END = 2;
const VP8 = 1;
export const GAP_REASONS = ['PAUSED', 'CAPTURE_FAILED', 'CLIENT_RESTARTED', 'FAILOVER', 'DISK_FULL'];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes, from = 0, to = bytes.length, crc = 0) {
  let c = ~crc >>> 0;
  for (let i = from; i < to; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

class Corrupt extends Error {}

/** Inflates a zlib stream, refusing to produce more than {@code limit} bytes. */
async function inflate(bytes, limit) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate'));
  const reader = stream.getReader();
  const out = new Uint8Array(limit);
  let n = 0;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      if (n + value.length > limit) {
        // more than the tiles need: what they need is there, the rest is not inflated
        out.set(value.subarray(0, limit - n), n);
        n = limit;
        await reader.cancel();
        break;
      }
      out.set(value, n);
      n += value.length;
    }
  } catch (e) {
    if (n < limit) throw new Corrupt('tile data is not a valid zlib stream');
  }
  return out.subarray(0, n);
}

function readUtf8(bytes, at, n) {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(at, at + n));
}

/** One screen's picture and its open VIDEO stream. */
class ScreenState {
  constructor(s) {
    this.id = s.id;
    this.width = s.width;
    this.height = s.height;
    this.across = Math.ceil(s.width / TILE);
    this.down = Math.ceil(s.height / TILE);
    this.picture = new Uint8ClampedArray(s.width * s.height * 4);
    this.hasKey = false;
    this.video = null; // the open VideoStream
    this.videoSinceFrame = false;
    // the VIDEO picture decoded since the last frame: it goes into the next frame's picture, so a
    // picture already handed out is never written again
    this.pendingRegion = null;
  }
}

/** Decodes VP8 pictures one at a time with WebCodecs and draws them into a screen's picture. */
class VideoStream {
  constructor(region) {
    Object.assign(this, region);
    this.pending = null;
    this.decoder = new VideoDecoder({
      output: (frame) => this.pending.resolve(frame),
      error: (e) => this.pending && this.pending.reject(e),
    });
    this.decoder.configure({ codec: 'vp8', codedWidth: region.codedWidth, codedHeight: region.codedHeight });
    this.canvas = new OffscreenCanvas(region.width, region.height);
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true });
  }

  matches(r) {
    return (
      r.x === this.x &&
      r.y === this.y &&
      r.width === this.width &&
      r.height === this.height &&
      r.codedWidth === this.codedWidth &&
      r.codedHeight === this.codedHeight &&
      r.codec === this.codec
    );
  }

  async decode(data, time, key, screen) {
    const frame = await new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      // no flush(): after one the decoder wants a key picture; VP8 has no reordering, so each
      // picture comes out of its own decode
      this.decoder.decode(new EncodedVideoChunk({ type: key ? 'key' : 'delta', timestamp: time * 1000, data }));
    }).catch((e) => {
      throw new Corrupt('not a valid VP8 picture of this stream (' + (e && e.message) + ')');
    });
    this.pending = null;
    try {
      if (frame.codedWidth !== this.codedWidth || frame.codedHeight !== this.codedHeight) {
        throw new Corrupt('VP8 picture size differs from the record');
      }
      this.ctx.drawImage(frame, 0, 0, this.width, this.height);
    } finally {
      frame.close();
    }
    screen.pendingRegion = { x: this.x, y: this.y, width: this.width, height: this.height, data: this.ctx.getImageData(0, 0, this.width, this.height).data };
  }

  close() {
    if (this.decoder.state !== 'closed') this.decoder.close();
  }
}

export class SegmentDecoder {
  /** @param {Uint8Array} bytes one segment file */
  constructor(bytes) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.screens = new Map();
    this.lastTime = 0;
  }

  async *events() {
    const header = this.readHeader();
    yield header;
    let at = header.length;
    let frames = 0;
    try {
      while (true) {
        if (at + 5 > this.bytes.length) {
          yield this.truncated('segment ends without its trailer');
          return;
        }
        const type = this.bytes[at];
        const length = this.view.getUint32(at + 1);
        if (length > MAX_RECORD) throw new Corrupt('record longer than 128 MiB');
        if (at + 5 + length + 4 > this.bytes.length) {
          yield this.truncated('record cut short');
          return;
        }
        const body = this.bytes.subarray(at + 5, at + 5 + length);
        const crc = crc32(body, 0, body.length, crc32(this.bytes, at, at + 1));
        if (crc !== this.view.getUint32(at + 5 + length)) throw new Corrupt('record CRC mismatch');
        at += 9 + length;
        const v = new DataView(body.buffer, body.byteOffset, body.byteLength);
        if (type === FRAME) {
          yield await this.frame(body, v, header.version);
          frames++;
        } else if (type === CURSOR) {
          if (length < 16) throw new Corrupt('short CURSOR');
          const time = Number(v.getBigInt64(0));
          this.seen(time);
          yield { type: 'cursor', time, x: v.getInt32(8), y: v.getInt32(12) };
        } else if (type === GAP) {
          if (length < 17) throw new Corrupt('short GAP');
          const from = Number(v.getBigInt64(0));
          const until = Number(v.getBigInt64(8));
          this.seen(Math.max(from, until));
          yield { type: 'gap', from, until, reason: GAP_REASONS[body[16]] || 'CAPTURE_FAILED' };
        } else if (type === VIDEO) {
          if (header.version < 3) throw new Corrupt('VIDEO record in a version ' + header.version + ' segment');
          await this.video(body, v);
        } else if (type === END) {
          if (length < 12) throw new Corrupt('short trailer');
          const count = v.getInt32(8);
          if (count !== frames) throw new Corrupt('trailer counts ' + count + ' frames, the segment has ' + frames);
          yield { type: 'end', endTime: Number(v.getBigInt64(0)), frames };
          return;
        } else if (type < 0x80) {
          throw new Corrupt('unknown critical record type ' + type);
        }
      }
    } catch (e) {
      if (!(e instanceof Corrupt)) throw e;
      yield this.truncated(e.message);
    } finally {
      for (const s of this.screens.values()) if (s.video) s.video.close();
    }
  }

  /** Where a truncation starts: the latest time of a valid record, as the Java reader says. */
  seen(time) {
    this.lastTime = Math.max(this.lastTime, time);
  }

  truncated(reason) {
    return { type: 'truncated', time: this.lastTime, reason };
  }

  readHeader() {
    const b = this.bytes;
    const v = this.view;
    const bad = (why) => {
      throw new Error('not a segment: ' + why);
    };
    if (b.length < 12 || v.getUint32(0) !== MAGIC) bad('no SRCF magic');
    const version = v.getUint16(4);
    if (version < 1 || version > 3) bad('unknown version ' + version);
    const hlen = v.getUint16(6);
    if (8 + hlen + 4 > b.length) bad('header cut short');
    if (crc32(b, 8, 8 + hlen) !== v.getUint32(8 + hlen)) bad('header CRC mismatch');
    let at = 8;
    const idLength = v.getUint16(at);
    if (idLength < 1 || at + 2 + idLength > 8 + hlen) bad('recording id out of range');
    const recordingId = readUtf8(b, at + 2, idLength);
    at += 2 + idLength;
    if (at + 13 > 8 + hlen) bad('header body too short');
    const segmentIndex = v.getInt32(at);
    const startedAt = Number(v.getBigInt64(at + 4));
    const count = b[at + 12];
    at += 13;
    if (segmentIndex < 0) bad('negative segment index');
    if (count < 1 || count > MAX_SCREENS || at + 13 * count > 8 + hlen) bad('screen count out of range');
    const screens = [];
    let pixels = 0;
    for (let i = 0; i < count; i++, at += 13) {
      const s = { id: b[at], x: v.getInt32(at + 1), y: v.getInt32(at + 5), width: v.getUint16(at + 9), height: v.getUint16(at + 11) };
      if (s.width < 1 || s.width > MAX_SIDE || s.height < 1 || s.height > MAX_SIDE) bad('screen size out of range');
      if (this.screens.has(s.id)) bad('screen id ' + s.id + ' twice');
      pixels += s.width * s.height;
      if (pixels > MAX_PIXELS) bad('screens larger than the limit');
      this.screens.set(s.id, new ScreenState(s));
      screens.push(s);
    }
    this.lastTime = startedAt;
    return { type: 'header', version, recordingId, segmentIndex, startedAt, screens, length: 8 + hlen + 4 };
  }

  async frame(body, v, version) {
    if (body.length < 14) throw new Corrupt('short FRAME');
    const screen = this.screens.get(body[0]);
    if (!screen) throw new Corrupt('frame of a screen not in the header');
    const key = (body[1] & FLAG_KEY) !== 0;
    const time = Number(v.getBigInt64(2));
    if (v.getUint16(10) !== screen.width || v.getUint16(12) !== screen.height) throw new Corrupt('frame size differs from the header');
    if (!key && !screen.hasKey) throw new Corrupt('delta frame before a key frame');
    const tiles = screen.across * screen.down;
    const bitmapBytes = Math.ceil(tiles / 8);
    let moves = [];
    let bitmap;
    let data;
    let modes;
    if (version === 1) {
      if (body.length < 14 + bitmapBytes) throw new Corrupt('short tile bitmap');
      bitmap = body.subarray(14, 14 + bitmapBytes);
      const present = countBits(bitmap, tiles);
      data = present === 0 ? new Uint8Array(0) : await inflate(body.subarray(14 + bitmapBytes), 3 * screen.width * screen.height);
      modes = false;
    } else {
      if (body.length < 15) throw new Corrupt('short FRAME');
      const moveCount = body[14];
      if (moveCount > MAX_MOVES || (key && moveCount > 0)) throw new Corrupt('bad move count');
      if (body.length < 15 + 12 * moveCount) throw new Corrupt('short moves');
      for (let i = 0; i < moveCount; i++) {
        const o = 15 + 12 * i;
        const m = [0, 2, 4, 6, 8, 10].map((k) => v.getUint16(o + k));
        const [sx, sy, w, h, dx, dy] = m;
        if (w < 1 || h < 1 || sx + w > screen.width || dx + w > screen.width || sy + h > screen.height || dy + h > screen.height) {
          throw new Corrupt('move outside the screen');
        }
        moves.push(m);
      }
      const rest = body.subarray(15 + 12 * moveCount);
      if (rest.length === 0) {
        bitmap = new Uint8Array(bitmapBytes);
        data = new Uint8Array(0);
      } else {
        const inflated = await inflate(rest, bitmapBytes + tiles + 3 * screen.width * screen.height);
        if (inflated.length < bitmapBytes) throw new Corrupt('short tile bitmap');
        bitmap = inflated.subarray(0, bitmapBytes);
        data = inflated.subarray(bitmapBytes);
      }
      modes = true;
    }
    // validate everything into a new picture first: a damaged frame never half-updates the picture
    const pic = new Uint8ClampedArray(screen.picture);
    const region = screen.pendingRegion;
    if (region) {
      // as the Java reader, a VIDEO picture lands before this frame's moves and tiles
      for (let row = 0; row < region.height; row++) {
        const from = row * region.width * 4;
        pic.set(region.data.subarray(from, from + region.width * 4), ((region.y + row) * screen.width + region.x) * 4);
      }
    }
    for (const [sx, sy, w, h, dx, dy] of moves) {
      const tmp = new Uint8ClampedArray(w * h * 4);
      for (let r = 0; r < h; r++) tmp.set(pic.subarray(((sy + r) * screen.width + sx) * 4, ((sy + r) * screen.width + sx + w) * 4), r * w * 4);
      for (let r = 0; r < h; r++) pic.set(tmp.subarray(r * w * 4, (r + 1) * w * 4), ((dy + r) * screen.width + dx) * 4);
    }
    const video = screen.video;
    let at = 0;
    for (let t = 0; t < tiles; t++) {
      const present = (bitmap[t >> 3] >> (t & 7)) & 1;
      const tx = t % screen.across;
      const ty = (t / screen.across) | 0;
      if (!present) {
        if (key && !(version >= 3 && video && inRegion(video, tx, ty))) throw new Corrupt('key frame without tile ' + t);
        continue;
      }
      const x0 = tx * TILE;
      const y0 = ty * TILE;
      const w = Math.min(TILE, screen.width - x0);
      const h = Math.min(TILE, screen.height - y0);
      const mode = modes ? data[at++] : 0;
      if (mode === undefined) throw new Corrupt('tile data cut short');
      if (mode === 1) {
        if (at + 3 > data.length) throw new Corrupt('tile data cut short');
        const r = data[at];
        const g = data[at + 1];
        const bl = data[at + 2];
        at += 3;
        for (let y = 0; y < h; y++) {
          let p = ((y0 + y) * screen.width + x0) * 4;
          for (let x = 0; x < w; x++, p += 4) {
            pic[p] = r;
            pic[p + 1] = g;
            pic[p + 2] = bl;
            pic[p + 3] = 255;
          }
        }
        continue;
      }
      if (mode > 3) throw new Corrupt('unknown tile mode ' + mode);
      if (at + 3 * w * h > data.length) throw new Corrupt('tile data cut short');
      for (let y = 0; y < h; y++) {
        let p = ((y0 + y) * screen.width + x0) * 4;
        for (let x = 0; x < w; x++, p += 4, at += 3) {
          if (mode === 0) {
            pic[p] = data[at];
            pic[p + 1] = data[at + 1];
            pic[p + 2] = data[at + 2];
          } else if (mode === 2) {
            pic[p] ^= data[at];
            pic[p + 1] ^= data[at + 1];
            pic[p + 2] ^= data[at + 2];
          } else {
            // SUB: left neighbour in the tile, or above for the first column, 0 at the top left
            const q = x > 0 ? p - 4 : y > 0 ? p - screen.width * 4 : -1;
            for (let c = 0; c < 3; c++) pic[p + c] = (data[at + c] + (q < 0 ? 0 : pic[q + c])) & 0xff;
          }
          pic[p + 3] = 255;
        }
      }
    }
    screen.picture = pic;
    screen.pendingRegion = null;
    screen.hasKey = true;
    screen.videoSinceFrame = false;
    this.seen(time);
    return { type: 'frame', screen: screen.id, time, key, picture: pic };
  }

  async video(body, v) {
    if (body.length < 23) throw new Corrupt('short VIDEO');
    const screen = this.screens.get(body[0]);
    if (!screen) throw new Corrupt('VIDEO of a screen not in the header');
    const flags = body[1];
    const time = Number(v.getBigInt64(2));
    const r = {
      x: v.getUint16(10),
      y: v.getUint16(12),
      width: v.getUint16(14),
      height: v.getUint16(16),
      codedWidth: v.getUint16(18),
      codedHeight: v.getUint16(20),
      codec: body[22],
    };
    const tileRect =
      r.x % TILE === 0 &&
      r.y % TILE === 0 &&
      r.width >= 1 &&
      r.height >= 1 &&
      r.x + r.width <= screen.width &&
      r.y + r.height <= screen.height &&
      (r.width % TILE === 0 || r.x + r.width === screen.width) &&
      (r.height % TILE === 0 || r.y + r.height === screen.height);
    if (!tileRect) throw new Corrupt('VIDEO region is not a tile rectangle of its screen');
    if (r.codedWidth < 1 || r.codedWidth > r.width || r.codedHeight < 1 || r.codedHeight > r.height) throw new Corrupt('coded size out of range');
    if (r.codec !== VP8) throw new Corrupt('unknown VIDEO codec ' + r.codec);
    if (flags & FLAG_END) {
      if (!screen.video || !screen.video.matches(r)) throw new Corrupt('end without an open stream');
      screen.video.close();
      screen.video = null;
      this.seen(time);
      return;
    }
    const key = (flags & FLAG_KEY) !== 0;
    if (screen.videoSinceFrame) throw new Corrupt('two VIDEO pictures of screen ' + screen.id + ' without a frame between');
    screen.videoSinceFrame = true;
    if (key) {
      if (screen.video) screen.video.close();
      screen.video = new VideoStream(r);
    } else if (!screen.video || !screen.video.matches(r)) {
      throw new Corrupt('VIDEO delta without its open stream');
    }
    const picture = body.subarray(23);
    if (picture.length === 0) throw new Corrupt('empty VP8 picture');
    if (key) checkVp8KeySize(picture, r);
    await screen.video.decode(picture, time, key, screen);
    this.seen(time);
  }
}

function inRegion(video, tx, ty) {
  return tx * TILE >= video.x && tx * TILE < video.x + video.width && ty * TILE >= video.y && ty * TILE < video.y + video.height;
}

function countBits(bitmap, tiles) {
  let n = 0;
  for (let t = 0; t < tiles; t++) n += (bitmap[t >> 3] >> (t & 7)) & 1;
  return n;
}

/** RFC 6386 9.1: a key picture states its size; it must be the record's coded size. */
function checkVp8KeySize(p, r) {
  if (p.length < 10 || (p[0] & 1) !== 0 || p[3] !== 0x9d || p[4] !== 0x01 || p[5] !== 0x2a) {
    throw new Corrupt('VP8 key picture without its start code');
  }
  const w = ((p[7] & 0x3f) << 8) | p[6];
  const h = ((p[9] & 0x3f) << 8) | p[8];
  if (w !== r.codedWidth || h !== r.codedHeight) throw new Corrupt('VP8 key picture size differs from the record');
}
