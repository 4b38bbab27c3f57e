// Plays a call's screen recordings and audio tracks on one absolute timeline (UTC ms).
//
// The master clock is the audio element that covers the current instant: its currentTime is the
// call's time. Where no audio covers the instant, a wall clock scaled by the speed takes over from
// the last master position. The screens (CaptureScreen, screen-track.js) have no clock of their
// own: on every animation frame each draws the captured picture of the master's instant, so they
// cannot drift from the audio.

const TICK_MS = 40;

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

/** An audio element placed at an absolute start; its end is known from metadata, refined by the element. */
class Placed {
  constructor(kind, info, el, startMs, endMs) {
    this.kind = kind;
    this.info = info;
    this.el = el;
    this.startMs = startMs;
    this.declaredEndMs = endMs;
    this.failed = false;
    this.playPending = false;
  }

  get endMs() {
    const d = this.el.duration;
    // a file shorter than its metadata says ends where the file ends, or the master would wait forever
    return isFinite(d) && d > 0 ? Math.min(this.declaredEndMs, this.startMs + d * 1000) : this.declaredEndMs;
  }

  covers(t) {
    return !this.failed && t >= this.startMs && t < this.endMs - 1;
  }

  absMs() {
    return this.startMs + this.el.currentTime * 1000;
  }

  localSeconds(t) {
    return clamp((t - this.startMs) / 1000, 0, Math.max(0, (this.endMs - this.startMs) / 1000 - 0.001));
  }

  running() {
    return !this.el.paused && !this.el.seeking && !this.el.ended && this.el.readyState >= 2;
  }
}

export class Player {
  /**
   * @param {object} o
   * @param {number} o.startMs timeline start
   * @param {number} o.endMs timeline end
   * @param {import('./screen-track.js').CaptureScreen[]} o.screens
   * @param {{info: object, el: HTMLAudioElement, startMs: number, endMs: number}[]} o.audios
   * @param {function(Player)} o.onUpdate called after every tick (UI refresh)
   * @param {function(string)} o.onProblem a message for the user
   */
  constructor(o) {
    this.startMs = o.startMs;
    this.endMs = o.endMs;
    this.videos = o.screens;
    this.audios = o.audios.map((a) => new Placed('audio', a.info, a.el, a.startMs, a.endMs));
    this.onUpdate = o.onUpdate || (() => {});
    this.onProblem = o.onProblem || (() => {});
    this.playing = false;
    this.rate = 1;
    this.anchorT = this.startMs;
    this.anchorWall = performance.now();
    this.master = null;
    this.activeVideo = null;
    this.metrics = { playClickedAt: null, playToFirstFrameMs: null, seekStartedAt: null, seekToFrameMs: null };
    for (const a of this.audios) {
      this.watch(a);
    }
    for (const v of this.videos) {
      v.onDrawn = () => this.drawn(v);
    }
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // the screens draw on every animation frame, not only on ticks: pictures land on their instant
    const frame = () => {
      this.rafId = requestAnimationFrame(frame);
      this.drawScreens();
    };
    this.rafId = requestAnimationFrame(frame);
    this.seek(this.startMs);
  }

  watch(p) {
    const el = p.el;
    el.addEventListener('error', () => {
      p.failed = true;
      this.onProblem('The audio could not be loaded' + (el.error && el.error.message ? ` (${el.error.message})` : '') + '.');
      this.tick();
    });
    el.addEventListener('seeked', () => this.tick());
  }

  /** A screen drew: the first picture after play, or after a seek, is what the bench measures. */
  drawn(v) {
    if (v !== this.activeVideo) {
      return;
    }
    const now = performance.now();
    const m = this.metrics;
    if (m.seekStartedAt != null && m.seekToFrameMs == null) {
      m.seekToFrameMs = now - m.seekStartedAt;
    }
    if (this.playing && m.playClickedAt != null && m.playToFirstFrameMs == null && (!this.master || this.master.running())) {
      m.playToFirstFrameMs = now - m.playClickedAt;
    }
  }

  drawScreens() {
    const v = this.activeVideo;
    if (v) {
      v.rate = this.rate;
      v.draw(this.computeT(performance.now()), this.playing);
    }
  }

  // ---- what tests and the UI read ----

  /** The call's current instant (absolute UTC ms). */
  timelineMs() {
    return this.computeT(performance.now());
  }

  /** The absolute instant the visible screen shows, or null when no screen recording covers now. */
  videoAbsMs() {
    return this.activeVideo ? this.activeVideo.absMs() : null;
  }

  /** The absolute instant the playing audio is at, or null when no audio covers now. */
  audioAbsMs() {
    return this.master ? this.master.absMs() : null;
  }

  /** True while playing and waiting for media (buffering or a seek), so the UI can say so. */
  isWaiting() {
    if (!this.playing) {
      return false;
    }
    if (this.master && !this.master.running()) {
      return true;
    }
    const v = this.activeVideo;
    return !!v && v.seeking;
  }

  // ---- controls ----

  play() {
    if (this.playing) {
      return;
    }
    if (this.anchorT >= this.endMs - 50) {
      this.seek(this.startMs);
    }
    this.metrics.playClickedAt = performance.now();
    this.metrics.playToFirstFrameMs = null;
    this.playing = true;
    this.anchorWall = performance.now();
    this.tick();
  }

  pause() {
    if (!this.playing) {
      return;
    }
    const now = performance.now();
    this.anchorT = this.computeT(now);
    this.anchorWall = now;
    this.playing = false;
    for (const a of this.audios) {
      a.el.pause();
    }
    this.tick();
  }

  toggle() {
    if (this.playing) {
      this.pause();
    } else {
      this.play();
    }
  }

  seek(t) {
    const now = performance.now();
    this.anchorT = clamp(t, this.startMs, this.endMs);
    this.anchorWall = now;
    this.metrics.seekStartedAt = now;
    this.metrics.seekToFrameMs = null;
    for (const a of this.audios) {
      if (a.covers(this.anchorT)) {
        a.el.currentTime = a.localSeconds(this.anchorT);
      } else if (!a.el.paused) {
        a.el.pause();
      }
    }
    this.master = this.audios.find((a) => a.covers(this.anchorT)) || null;
    // every screen: the one that covers the instant shows it, the others start from it if reached
    for (const v of this.videos) {
      v.seek(clamp(this.anchorT, v.startMs, v.endMs));
    }
    this.activeVideo = this.videos.find((v) => v.covers(this.anchorT)) || null;
    this.tick();
  }

  setRate(rate) {
    const now = performance.now();
    this.anchorT = this.computeT(now);
    this.anchorWall = now;
    this.rate = rate;
    for (const a of this.audios) {
      a.el.playbackRate = rate;
    }
    this.tick();
  }

  destroy() {
    clearInterval(this.timer);
    cancelAnimationFrame(this.rafId);
    for (const v of this.videos) {
      v.destroy();
    }
  }

  // ---- the loop ----

  computeT(now) {
    if (!this.playing) {
      return this.anchorT;
    }
    const m = this.master;
    if (m) {
      // the master sets the time; while it is starting, seeking or buffering, everything waits for it
      return m.running() ? clamp(m.absMs(), this.startMs, this.endMs) : this.anchorT;
    }
    return Math.min(this.endMs, this.anchorT + (now - this.anchorWall) * this.rate);
  }

  tick() {
    const now = performance.now();
    let t = this.computeT(now);
    this.anchorT = t;
    this.anchorWall = now;
    if (this.playing && t >= this.endMs) {
      this.playing = false;
      t = this.endMs;
      this.anchorT = t;
      for (const a of this.audios) {
        a.el.pause();
      }
    }
    this.syncAudio(t);
    this.syncVideo(t);
    this.onUpdate(this);
  }

  syncAudio(t) {
    // an element that ended early (shorter file than its metadata) hands over to the clock
    const next = this.audios.find((a) => a.covers(t) && !(this.playing && a.el.ended)) || null;
    if (next !== this.master) {
      if (this.master && !this.master.el.paused) {
        this.master.el.pause();
      }
      this.master = next;
      if (next) {
        next.el.currentTime = next.localSeconds(t);
      }
    }
    for (const a of this.audios) {
      if (a !== this.master && !a.el.paused) {
        a.el.pause();
      }
    }
    const m = this.master;
    if (!m) {
      return;
    }
    if (m.el.playbackRate !== this.rate) {
      m.el.playbackRate = this.rate;
    }
    if (this.playing && m.el.paused && !m.playPending) {
      this.start(m);
    } else if (!this.playing && !m.el.paused) {
      m.el.pause();
    }
  }

  syncVideo(t) {
    const active = this.videos.find((v) => v.covers(t)) || null;
    if (active !== this.activeVideo) {
      this.activeVideo = active;
      if (active && !(Math.abs(active.position() - t) <= 2000)) {
        // reached without a seek (the one before ended, or a failover): start it where we are
        active.seek(t);
      }
    }
    if (active) {
      active.rate = this.rate;
      active.draw(t, this.playing);
    }
  }

  start(p) {
    p.playPending = true;
    p.el.play().then(() => {
      p.playPending = false;
    }, (e) => {
      p.playPending = false;
      if (e && e.name === 'NotAllowedError') {
        // autoplay rules: the browser wants a click before sound plays
        this.pause();
        this.onProblem('The browser blocked playback; press play again.');
      } else if (e && e.name !== 'AbortError') {
        this.onProblem(`Playback failed: ${e.message || e.name}`);
      }
    });
  }
}
