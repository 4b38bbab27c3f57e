// Decodes one screen recording's capture segments off the page's thread and hands the page its
// pictures ahead of time, each with the instant it shows (server time, UTC ms).
//
// The page says what it needs:
//   {type: 'open', segments: [{index, url, startedAt}], clockOffsetMs, endMs}
//   {type: 'seek', epoch, t}      show t as soon as possible, then play on from there
//   {type: 'time', t, rate}       where the page's clock is, so decoding stays a little ahead of it
// and is told, always with the epoch of the seek it belongs to:
//   {type: 'frame', epoch, screen, time, bitmap, base}  base: the picture at the seek instant
//   {type: 'seeked', epoch, t, ms}                      every base picture of the seek is sent
//   {type: 'gap', epoch, from, to, reason}              nothing captured (a gap record)
//   {type: 'damaged', epoch, from, to, reason}          a segment that cannot be read from here on
//   {type: 'header', epoch, screens}                    the screens of a segment, as it says them
// A segment is decoded from its start (its key frame) up to the instant asked for; after that,
// pictures go out as long as they are at most AHEAD_MS (scaled by the speed) ahead of the page.
//
// A segment is the agent's word, not the server's: its clock may run backwards, it may hold a
// million frames at one instant or a thousand gaps. None of that may flood the page, so a screen's
// pictures never go back in time, at most one goes out per MIN_FRAME_MS of the recording (the
// newest wins), at most MAX_AHEAD_FRAMES pictures of at most MAX_AHEAD_BYTES wait in the page (a
// picture may be a whole screen of 2^25 pixels), and a segment stating more than MAX_GAPS gaps is
// damaged from there on.

import { SegmentDecoder } from './segment.js';

const AHEAD_MS = 1500;
const MIN_FRAME_MS = 1000 / 60;
const MAX_AHEAD_FRAMES = 60;
const MAX_AHEAD_BYTES = 256 * 1024 * 1024;
const MAX_GAPS = 64;
/** Segments kept in memory: the one playing, the next (fetched ahead) and the one before. */
const KEEP_SEGMENTS = 3;

let segments = [];
let offset = 0;
let endMs = Infinity;
let epoch = 0;
let pageT = 0;
let rate = 1;
let wake = null;
/** The pictures sent since the last seek that the page has not reached yet: {t, bytes}. */
let ahead = [];
const fetched = new Map();

function post(msg, transfer) {
  self.postMessage(msg, transfer || []);
}

function fetchSegment(i) {
  const s = segments[i];
  if (!fetched.has(s.url)) {
    fetched.set(
      s.url,
      fetch(s.url, { credentials: 'same-origin' }).then(async (r) => {
        if (!r.ok) throw new Error(`the server answered ${r.status}`);
        return new Uint8Array(await r.arrayBuffer());
      }),
    );
    while (fetched.size > KEEP_SEGMENTS) fetched.delete(fetched.keys().next().value);
  }
  return fetched.get(s.url);
}

/** Where segment i ends on the timeline: the next one's start, or the recording's end. */
function segmentEnd(i) {
  return i + 1 < segments.length && segments[i + 1].startedAt != null ? segments[i + 1].startedAt : endMs;
}

function segmentAt(t) {
  let at = 0;
  for (let i = 0; i < segments.length; i++) {
    if (segments[i].startedAt != null && segments[i].startedAt <= t) at = i;
  }
  return at;
}

/**
 * Resolves once the page's clock is within reach of t and a picture of {@code bytes} fits in what
 * waits in the page (or a newer seek makes waiting moot).
 */
function until(t, bytes, mine) {
  return new Promise((resolve) => {
    const check = () => {
      ahead = ahead.filter((a) => a.t > pageT);
      // one picture always fits, however large, or a screen that large would never play
      const room = ahead.length === 0 || (ahead.length < MAX_AHEAD_FRAMES && ahead.reduce((n, a) => n + a.bytes, 0) + bytes <= MAX_AHEAD_BYTES);
      if (mine !== epoch || (t <= pageT + AHEAD_MS * Math.max(1, rate) && room)) {
        resolve();
      } else {
        wake = check;
      }
    };
    check();
  });
}

async function bitmap(picture, width, height) {
  return createImageBitmap(new ImageData(picture, width, height), { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
}

async function run(mine, target) {
  const began = performance.now();
  // the picture of each screen at the seek instant, sent once the instant is passed
  let base = new Map();
  let gapAtTarget = null;
  // per screen: the instant of the last picture sent, and the newest picture held back since
  const lastSent = new Map();
  const held = new Map();
  const send = async (screen, f) => {
    const bytes = f.width * f.height * 4;
    await until(f.time, bytes, mine);
    if (mine !== epoch) return;
    const bmp = await bitmap(f.picture, f.width, f.height);
    if (mine !== epoch) return;
    lastSent.set(screen, f.time);
    ahead.push({ t: f.time, bytes });
    post({ type: 'frame', epoch: mine, screen, time: f.time, bitmap: bmp, base: false }, [bmp]);
  };
  const flushHeld = async () => {
    for (const [screen, f] of [...held]) {
      held.delete(screen);
      await send(screen, f);
      if (mine !== epoch) return;
    }
  };
  // the seek's pictures, then 'seeked'; `damage` (a damaged stretch found while they were
  // pending) goes before 'seeked', so that a seek into it lands showing it. True when it sent it.
  const flushBase = async (damage) => {
    if (!base) return false;
    const pending = base;
    base = null;
    for (const [screen, f] of pending) {
      const bmp = await bitmap(f.picture, f.width, f.height);
      if (mine !== epoch) return false;
      lastSent.set(screen, f.time);
      post({ type: 'frame', epoch: mine, screen, time: f.time, bitmap: bmp, base: true }, [bmp]);
    }
    if (gapAtTarget) post({ type: 'gap', epoch: mine, ...gapAtTarget });
    if (damage) post(damage);
    post({ type: 'seeked', epoch: mine, t: target, ms: performance.now() - began });
    return !!damage;
  };
  const flushWithDamage = async (damage) => {
    const sent = await flushBase(damage);
    await flushHeld();
    if (mine === epoch && !sent) post(damage);
  };
  for (let i = segmentAt(target); i < segments.length && mine === epoch; i++) {
    if (segmentEnd(i) <= target && i + 1 < segments.length) continue;
    let bytes;
    try {
      bytes = await fetchSegment(i);
    } catch (e) {
      if (mine !== epoch) return;
      post({ type: 'damaged', epoch: mine, from: segments[i].startedAt, to: segmentEnd(i), reason: `segment ${segments[i].index} could not be fetched: ${e.message}` });
      continue;
    }
    if (i + 1 < segments.length) fetchSegment(i + 1).catch(() => {});
    if (mine !== epoch) return;
    let decoder;
    try {
      decoder = new SegmentDecoder(bytes);
    } catch (e) {
      post({ type: 'damaged', epoch: mine, from: segments[i].startedAt, to: segmentEnd(i), reason: e.message });
      continue;
    }
    const sizes = new Map();
    let gaps = 0;
    try {
      for await (const ev of decoder.events()) {
        if (mine !== epoch) return;
        if (ev.type === 'header') {
          for (const s of ev.screens) sizes.set(s.id, s);
          post({ type: 'header', epoch: mine, screens: ev.screens });
        } else if (ev.type === 'frame') {
          const size = sizes.get(ev.screen);
          const last = lastSent.get(ev.screen);
          const time = last == null ? ev.time + offset : Math.max(last, ev.time + offset);
          const f = { picture: ev.picture, width: size.width, height: size.height, time };
          if (base && time <= target) {
            base.set(ev.screen, f);
            if (gapAtTarget && time >= gapAtTarget.from) gapAtTarget = null;
            continue;
          }
          await flushBase();
          if (mine !== epoch) return;
          if (lastSent.has(ev.screen) && time - lastSent.get(ev.screen) < MIN_FRAME_MS) {
            held.set(ev.screen, f);
            continue;
          }
          held.delete(ev.screen);
          await send(ev.screen, f);
          if (mine !== epoch) return;
        } else if (ev.type === 'gap') {
          const gap = { from: ev.from + offset, to: ev.until + offset, reason: ev.reason };
          if (++gaps > MAX_GAPS) {
            await flushWithDamage({ type: 'damaged', epoch: mine, from: gap.from, to: Math.max(gap.from, segmentEnd(i)), reason: `segment ${segments[i].index} states more than ${MAX_GAPS} gaps` });
            if (mine !== epoch) return;
            break;
          }
          if (base && gap.from <= target) {
            gapAtTarget = gap.to > target ? gap : null;
            continue;
          }
          await flushBase();
          await flushHeld();
          if (mine !== epoch) return;
          post({ type: 'gap', epoch: mine, ...gap });
        } else if (ev.type === 'truncated') {
          const from = ev.time + offset;
          await flushWithDamage({ type: 'damaged', epoch: mine, from, to: Math.max(from, segmentEnd(i)), reason: ev.reason });
          if (mine !== epoch) return;
        }
      }
      await flushHeld();
    } catch (e) {
      if (mine !== epoch) return;
      post({ type: 'damaged', epoch: mine, from: segments[i].startedAt, to: segmentEnd(i), reason: String(e && e.message) });
    }
  }
  if (mine === epoch) await flushBase();
}

self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'open') {
    segments = m.segments;
    offset = m.clockOffsetMs || 0;
    endMs = m.endMs == null ? Infinity : m.endMs;
  } else if (m.type === 'seek') {
    epoch = m.epoch;
    pageT = m.t;
    ahead = [];
    const w = wake;
    wake = null;
    if (w) w();
    run(m.epoch, m.t).catch((err) => post({ type: 'damaged', epoch: m.epoch, from: m.t, to: m.t, reason: String(err && err.message) }));
  } else if (m.type === 'time') {
    pageT = m.t;
    rate = m.rate || 1;
    const w = wake;
    wake = null;
    if (w) w();
  }
};
