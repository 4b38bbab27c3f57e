// Plays a call's screen videos and audio tracks on one absolute timeline (UTC ms).
//
// The master clock is the audio element that covers the current instant: its currentTime is the
// call's time, and the videos follow it. Where no audio covers the instant, a wall clock scaled
// by the speed takes over from the last master position. A video that drifts from the master is
// steered back by nudging its playbackRate (small drift, no visible jump) or, when far off, by a
// seek aimed a little ahead to cover the time the seek itself takes.

const TICK_MS = 40;
/** Below this the video is left alone: media clocks jitter by a few ms. */
const DRIFT_OK_MS = 10;
/** Above this a rate nudge would take too long: seek instead. */
const DRIFT_SEEK_MS = 300;
/** Rate nudges remove the drift over about this much media time, within ±40 % of the master's speed. */
const CORRECTION_WINDOW_MS = 350;
const MAX_NUDGE = 0.4;

function clamp(v, lo, hi) {
  return Math.min(hi, Math.max(lo, v));
}

/** A media element placed at an absolute start; its end is known from metadata, refined by the element. */
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
   * @param {{info: object, el: HTMLVideoElement, startMs: number, endMs: number}[]} o.videos
   * @param {{info: object, el: HTMLAudioElement, startMs: number, endMs: number}[]} o.audios
   * @param {function(Player)} o.onUpdate called after every tick (UI refresh)
   * @param {function(string)} o.onProblem a message for the user
   */
  constructor(o) {
    this.startMs = o.startMs;
    this.endMs = o.endMs;
    this.videos = o.videos.map((v) => new Placed('video', v.info, v.el, v.startMs, v.endMs));
    this.audios = o.audios.map((a) => new Placed('audio', a.info, a.el, a.startMs, a.endMs));
    this.onUpdate = o.onUpdate || (() => {});
    this.onProblem = o.onProblem || (() => {});
    this.playing = false;
    this.rate = 1;
    this.anchorT = this.startMs;
    this.anchorWall = performance.now();
    this.master = null;
    this.activeVideo = null;
    this.waiting = false;
    this.seekCostMs = 120;
    // how fast the master really runs: after a speed change the audio keeps its old pace for a
    // moment (buffered output), and a video steered by the nominal speed would run off meanwhile
    this.masterSpeed = null;
    this.lastMasterAbs = null;
    this.lastMasterWall = 0;
    this.metrics = { playClickedAt: null, playToFirstFrameMs: null, seekToFrameMs: null };
    for (const p of [...this.videos, ...this.audios]) {
      this.watch(p);
    }
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.tick();
  }

  watch(p) {
    const el = p.el;
    el.addEventListener('error', () => {
      p.failed = true;
      this.onProblem(`The ${p.kind === 'video' ? 'screen video' : 'audio'} could not be loaded`
        + (el.error && el.error.message ? ` (${el.error.message})` : '') + '.');
      this.tick();
    });
    let seekStarted = 0;
    el.addEventListener('seeking', () => {
      seekStarted = performance.now();
    });
    el.addEventListener('seeked', () => {
      if (p.kind === 'video' && seekStarted) {
        // what a seek costs on this machine and file, so the next one can aim ahead by that much
        const cost = performance.now() - seekStarted;
        this.seekCostMs = clamp(0.7 * this.seekCostMs + 0.3 * cost, 20, 1500);
      }
      this.tick();
    });
  }

  // ---- what tests and the UI read ----

  /** The call's current instant (absolute UTC ms). */
  timelineMs() {
    return this.computeT(performance.now());
  }

  /** The absolute instant the visible video shows, or null when no screen video covers now. */
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
    return !!v && (v.el.seeking || v.el.readyState < 3);
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
    this.awaitFirstFrame();
  }

  pause() {
    if (!this.playing) {
      return;
    }
    const now = performance.now();
    this.anchorT = this.computeT(now);
    this.anchorWall = now;
    this.playing = false;
    for (const p of [...this.videos, ...this.audios]) {
      p.el.pause();
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
    for (const p of [...this.audios, ...this.videos]) {
      if (p.covers(this.anchorT)) {
        p.el.currentTime = p.localSeconds(this.anchorT);
      } else if (!p.el.paused) {
        p.el.pause();
      }
    }
    this.master = this.audios.find((a) => a.covers(this.anchorT)) || null;
    this.tick();
    this.awaitSeekFrame();
  }

  setRate(rate) {
    const now = performance.now();
    this.anchorT = this.computeT(now);
    this.anchorWall = now;
    this.rate = rate;
    for (const a of this.audios) {
      a.el.playbackRate = rate;
    }
    // the videos' rates follow from the sync loop, which paces them by the master's measured speed
    this.tick();
  }

  destroy() {
    clearInterval(this.timer);
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
    this.measureMasterSpeed(now);
    this.anchorT = t;
    this.anchorWall = now;
    if (this.playing && t >= this.endMs) {
      this.playing = false;
      t = this.endMs;
      this.anchorT = t;
      for (const p of [...this.videos, ...this.audios]) {
        p.el.pause();
      }
    }
    this.syncAudio(t);
    this.syncVideo(t);
    this.onUpdate(this);
  }

  measureMasterSpeed(now) {
    const m = this.master;
    if (!this.playing || !m || !m.running()) {
      this.lastMasterAbs = null;
      this.masterSpeed = null;
      return;
    }
    const abs = m.absMs();
    if (this.lastMasterAbs != null && now - this.lastMasterWall >= 20) {
      const speed = (abs - this.lastMasterAbs) / (now - this.lastMasterWall);
      if (speed > 0 && speed < 4 * this.rate) {
        this.masterSpeed = this.masterSpeed == null ? speed : 0.6 * this.masterSpeed + 0.4 * speed;
      }
    }
    if (this.lastMasterAbs == null || now - this.lastMasterWall >= 20) {
      this.lastMasterAbs = abs;
      this.lastMasterWall = now;
    }
  }

  /** The pace the video should keep on average: the master's measured speed, else the nominal one. */
  basePace() {
    const s = this.masterSpeed;
    return s == null ? this.rate : clamp(s, 0.5 * this.rate, 1.5 * this.rate);
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
    const active = this.videos.find((v) => v.covers(t) && !(this.playing && v.el.ended)) || null;
    for (const v of this.videos) {
      if (v !== active && !v.el.paused) {
        v.el.pause();
      }
    }
    if (active !== this.activeVideo) {
      this.activeVideo = active;
      if (active) {
        active.el.currentTime = active.localSeconds(t);
      }
    }
    const v = active;
    if (!v) {
      return;
    }
    const el = v.el;
    if (!this.playing) {
      if (!el.paused) {
        el.pause();
      }
      // paused: show exactly the frame of this instant
      if (!el.seeking && Math.abs(el.currentTime - v.localSeconds(t)) > 0.03) {
        el.currentTime = v.localSeconds(t);
      }
      return;
    }
    if (el.seeking) {
      return;
    }
    const drift = v.absMs() - t;
    const masterWaiting = this.master && !this.master.running();
    if (masterWaiting) {
      // do not run ahead of a master that is still starting; a small lead is steered away later
      if (drift > DRIFT_OK_MS && !el.paused) {
        el.pause();
      }
      return;
    }
    if (Math.abs(drift) > DRIFT_SEEK_MS) {
      const ahead = el.paused ? 0 : this.seekCostMs * this.rate;
      el.currentTime = v.localSeconds(t + ahead);
      el.playbackRate = this.rate;
    } else {
      const pace = this.basePace();
      let r = pace;
      if (Math.abs(drift) > DRIFT_OK_MS) {
        r = pace * (1 - clamp(drift / CORRECTION_WINDOW_MS / pace, -MAX_NUDGE, MAX_NUDGE));
      }
      if (Math.abs(el.playbackRate - r) > 0.005) {
        el.playbackRate = r;
      }
    }
    if (el.paused && !el.ended && !v.playPending) {
      this.start(v);
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

  /** Play-to-first-frame: when the visible video presents a frame while playing (for the bench). */
  awaitFirstFrame() {
    const started = this.metrics.playClickedAt;
    const poll = () => {
      if (!this.playing || this.metrics.playClickedAt !== started) {
        return;
      }
      const v = this.activeVideo;
      if (!v || !v.el.requestVideoFrameCallback) {
        setTimeout(poll, 10);
        return;
      }
      v.el.requestVideoFrameCallback((when) => {
        if (this.metrics.playClickedAt === started && this.metrics.playToFirstFrameMs == null) {
          this.metrics.playToFirstFrameMs = when - started;
        }
      });
    };
    poll();
  }

  awaitSeekFrame() {
    const started = this.metrics.seekStartedAt;
    this.metrics.seekToFrameMs = null;
    const v = this.activeVideo;
    if (v && v.el.requestVideoFrameCallback) {
      v.el.requestVideoFrameCallback((when) => {
        if (this.metrics.seekStartedAt === started) {
          this.metrics.seekToFrameMs = when - started;
        }
      });
    }
  }
}
