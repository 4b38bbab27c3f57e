// One screen recording on the call's timeline, played from its capture segments: a worker
// (screen-worker.js) decodes them and sends pictures ahead of time; this draws each onto the
// recording's canvas when the timeline reaches its instant. The pictures are the captured pixels
// themselves (the capture format is lossless), placed by the monitor layout the server gives.
//
// The timeline is the player's (the audio master clock): a screen has no clock of its own, so it
// never drifts; it only waits while a seek decodes up to the new instant.

const GAP_FILL = '#303030';
/** The capture format's gap reasons as the call's gaps name them (as the server's SegmentGaps). */
const GAP_REASONS = { PAUSED: 'PAUSED', FAILOVER: 'FAILOVER', DISK_FULL: 'DISK_FULL' };

export class CaptureScreen {
  /**
   * @param {object} info the call's screen entry (segments, screens, clockOffsetMs, startedAt, endedAt)
   * @param {HTMLCanvasElement} canvas where it is drawn
   * @param {function(object)} onGap told of each stretch without pictures as the segments reveal
   *     it: {from, to, reason (as the call's gaps name them: PAUSED, FAILOVER, ... or DAMAGED), detail}
   */
  constructor(info, canvas, onGap) {
    this.kind = 'screen';
    this.info = info;
    this.el = canvas;
    this.startMs = info.startedAt;
    this.endMs = info.endedAt != null ? info.endedAt : info.startedAt + (info.durationMs || 0);
    this.onGap = onGap || (() => {});
    this.failed = !info.segments || info.segments.length === 0;
    this.rects = new Map((info.screens || []).map((s) => [s.id, s]));
    this.sizeCanvas();
    this.ctx = canvas.getContext('2d', { alpha: false, willReadFrequently: true });
    this.ctx.imageSmoothingEnabled = false;
    this.ctx.fillStyle = GAP_FILL;
    this.ctx.fillRect(0, 0, canvas.width, canvas.height);
    this.queue = [];
    this.last = new Map();
    this.gapUntil = -Infinity;
    this.damaged = [];
    this.epoch = 0;
    this.seeking = false;
    this.shownT = null;
    this.lastToldT = -Infinity;
    this.metrics = { framesShown: 0, droppedFrames: 0, lastSeekDecodeMs: null };
    this.onDrawn = null;
    this.worker = new Worker(new URL('./screen-worker.js', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e) => this.receive(e.data);
    this.worker.onerror = (e) => {
      this.failed = true;
      this.onGap({ from: this.startMs, to: this.endMs, reason: 'DAMAGED', detail: 'the screen decoder failed: ' + (e.message || 'unknown error') });
    };
    this.worker.postMessage({
      type: 'open',
      segments: (info.segments || []).map((s) => ({ index: s.index, url: s.url, startedAt: s.startedAt })),
      clockOffsetMs: info.clockOffsetMs || 0,
      endMs: this.endMs,
    });
  }

  sizeCanvas() {
    const rects = [...this.rects.values()];
    const w = rects.length ? Math.max(...rects.map((r) => r.x + r.width)) : 16;
    const h = rects.length ? Math.max(...rects.map((r) => r.y + r.height)) : 9;
    if (this.el.width !== w || this.el.height !== h) {
      this.el.width = w;
      this.el.height = h;
    }
  }

  covers(t) {
    return !this.failed && t >= this.startMs && t < this.endMs - 1;
  }

  /** The instant the canvas shows (what was last drawn for), or null before the first picture. */
  absMs() {
    return this.shownT;
  }

  /** Where the screen is: what it shows, or the instant it is seeking to. */
  position() {
    return this.shownT != null && !this.seeking ? this.shownT : this.seekT;
  }

  /** Starts showing t: the worker decodes from the segment that holds it. */
  seek(t) {
    this.epoch += 1;
    this.seeking = true;
    this.seekStartedAt = performance.now();
    this.seekT = t;
    for (const q of this.queue) if (q.bitmap) q.bitmap.close();
    this.queue = [];
    this.gapUntil = -Infinity;
    this.lastToldT = t;
    this.worker.postMessage({ type: 'seek', epoch: this.epoch, t });
  }

  receive(m) {
    if (m.epoch !== this.epoch) {
      if (m.bitmap) m.bitmap.close();
      return;
    }
    if (m.type === 'header') {
      let grew = false;
      for (const s of m.screens) {
        if (!this.rects.has(s.id)) {
          // a screen the layout does not name: beside the others, as the server lays them out
          const right = Math.max(0, ...[...this.rects.values()].map((r) => r.x + r.width));
          this.rects.set(s.id, { id: s.id, x: right, y: 0, width: s.width, height: s.height });
          grew = true;
        }
      }
      if (grew) {
        this.sizeCanvas();
        this.ctx.imageSmoothingEnabled = false;
        this.redraw();
      }
    } else if (m.type === 'frame' || m.type === 'gap' || m.type === 'damaged') {
      if (m.type === 'damaged' && !this.damaged.some((d) => d.from === m.from && d.to === m.to)) {
        this.damaged.push({ from: m.from, to: m.to, reason: m.reason });
        this.onGap({ from: m.from, to: m.to, reason: 'DAMAGED', detail: m.reason });
      } else if (m.type === 'gap') {
        this.onGap({ from: m.from, to: m.to, reason: GAP_REASONS[m.reason] || 'CAPTURE_LOST' });
      }
      this.queue.push({ ...m, at: m.type === 'frame' ? m.time : m.from });
      if (m.base) {
        // the picture at the seek instant goes up at once, whatever its capture time
        this.apply(this.queue.pop(), false);
      }
    } else if (m.type === 'seeked') {
      this.seeking = false;
      this.metrics.lastSeekDecodeMs = m.ms;
      this.draw(this.seekT, false);
    }
  }

  /** Draws everything due at t; called on every animation frame and player tick. */
  draw(t, playing) {
    if (this.seeking) {
      return;
    }
    while (this.queue.length && this.queue[0].at <= t) {
      const item = this.queue.shift();
      if (playing && item.type === 'frame' && this.queue.some((q) => q.type === 'frame' && q.screen === item.screen && q.at <= t)) {
        // a newer picture of the same screen is due already: this one was never on screen
        this.metrics.droppedFrames += 1;
        item.bitmap.close();
        continue;
      }
      this.apply(item, playing);
    }
    const inGap = t < this.gapUntil;
    if (this.wasInGap && !inGap) {
      this.redraw();
    }
    this.wasInGap = inGap;
    this.shownT = t;
    if (playing && t - this.lastToldT > 100) {
      this.lastToldT = t;
      this.worker.postMessage({ type: 'time', t, rate: this.rate || 1 });
    }
    if (this.onDrawn) this.onDrawn(t);
  }

  apply(item, playing) {
    if (item.type === 'frame') {
      const old = this.last.get(item.screen);
      if (old) old.bitmap.close();
      this.last.set(item.screen, item);
      if (playing) this.metrics.framesShown += 1;
      if (item.at < this.gapUntil) {
        // a picture inside a gap means the gap ended early (as the encoder has it)
        this.gapUntil = -Infinity;
        this.wasInGap = false;
        this.redraw();
      } else {
        this.paint(item);
      }
    } else {
      this.gapUntil = Math.max(this.gapUntil, item.to);
      this.ctx.fillStyle = GAP_FILL;
      this.ctx.fillRect(0, 0, this.el.width, this.el.height);
      this.wasInGap = true;
    }
  }

  paint(item) {
    const r = this.rects.get(item.screen);
    if (r) {
      this.ctx.drawImage(item.bitmap, r.x, r.y);
    }
  }

  redraw() {
    this.ctx.fillStyle = GAP_FILL;
    this.ctx.fillRect(0, 0, this.el.width, this.el.height);
    for (const item of this.last.values()) this.paint(item);
  }

  /** The canvas's pixels (RGBA) with the instant they show, for tests. */
  pixels() {
    return { width: this.el.width, height: this.el.height, data: this.ctx.getImageData(0, 0, this.el.width, this.el.height).data, shownT: this.shownT };
  }

  destroy() {
    this.worker.terminate();
  }
}
