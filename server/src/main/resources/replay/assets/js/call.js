import { ApiError, api, currentSession, messageOf, requireSession, seg } from './api.js';
import { renderTopBar, showError } from './chrome.js';
import { el, formatDateTime, formatDuration, formatTime } from './format.js';
import { Player } from './player.js';
import { CaptureScreen } from './screen-track.js';

const GAP_TEXT = {
  PAUSED: ['Recording paused', 'Screen recording was paused here (for example while payment details were entered).'],
  CAPTURE_LOST: ['Screen capture lost', 'The agent\'s computer did not deliver screen images for this stretch.'],
  FAILOVER: ['Failover', 'The recording moved to another server; this stretch was not captured.'],
  DISK_FULL: ['Agent\'s disk full', 'The agent\'s computer had no room left to keep the screen recording until it could be uploaded; capture resumed once it had.'],
  MISSING: ['Screen recording missing', 'Part of the screen recording never reached a server.'],
  DAMAGED: ['Screen recording damaged', 'This part of the stored screen recording cannot be read; the rest of the call plays.'],
};
const NO_SCREEN = ['No screen recording', 'Nothing was recorded from the agent\'s screen at this time.'];
const FILM_SLOT_PX = 96;
const SEEK_STEP_MS = 5000;

const $ = (id) => document.getElementById(id);
const callId = decodeURIComponent(location.pathname.replace(/\/+$/, '').split('/').pop() || '');

let player = null;
let call = null;
let range = { start: 0, end: 1 };
let thumbs = [];
let monitorMode = 'all';
let layout = null;

function frac(t) {
  return (t - range.start) / Math.max(1, range.end - range.start);
}

function pct(t) {
  return `${(Math.min(1, Math.max(0, frac(t))) * 100).toFixed(4)}%`;
}

function span(from, to, cls, title, extra) {
  const left = Math.min(1, Math.max(0, frac(from)));
  const right = Math.min(1, Math.max(0, frac(to)));
  return el('div', {
    class: 'seg ' + cls,
    title,
    style: { left: `${left * 100}%`, width: `${Math.max(0, right - left) * 100}%` },
    dataset: extra || {},
  });
}

function screenEnd(s) {
  return s.endedAt || (s.durationMs != null ? s.startedAt + s.durationMs : s.startedAt);
}

function audioEnd(a) {
  return a.startedAt + (a.durationMs || 0);
}

function computeRange(c) {
  const starts = [c.startedAt, ...c.screen.map((s) => s.startedAt), ...c.audio.map((a) => a.startedAt)].filter((x) => x != null);
  const ends = [c.endedAt, ...c.screen.map(screenEnd), ...c.audio.map(audioEnd)].filter((x) => x != null);
  const start = Math.min(...starts);
  const end = Math.max(...ends, start + 1000);
  return { start, end };
}

function gapAt(t) {
  for (const s of call.screen) {
    for (const g of s.gaps || []) {
      if (t >= g.from && t < g.to) {
        return g;
      }
    }
  }
  return null;
}

// ---- facts and lanes ----

function renderFacts() {
  $('call-id').textContent = call.callId;
  document.title = `Call ${call.callId} · ScreenRec Replay`;
  const screenClusters = [...new Set(call.screen.map((s) => s.clusterId))];
  const audioClusters = [...new Set(call.audio.map((a) => a.clusterId))];
  const fact = (k, v, id) => [el('dt', {}, k), el('dd', id ? { id } : {}, v)];
  $('call-facts').replaceChildren(
    ...fact('Agent', call.agent || '—', 'fact-agent'),
    ...fact('Started', formatDateTime(call.startedAt)),
    ...fact('Duration', call.endedAt ? formatDuration(call.endedAt - call.startedAt) : 'in progress'),
    ...fact('Screen', screenClusters.length ? screenClusters.join(', ') : 'not recorded', 'fact-screen'),
    ...fact('Audio', audioClusters.length ? audioClusters.join(', ') : 'not recorded', 'fact-audio'));
  const parts = [];
  if (screenClusters.length) parts.push('screen from cluster ' + screenClusters.join(' + '));
  if (audioClusters.length) parts.push('audio from cluster ' + audioClusters.join(' + '));
  $('sources').textContent = parts.join(' · ');
}

function renderLanes() {
  const screenLane = $('lane-screen');
  const blocks = [];
  // stretches of the call with no screen recording at all are drawn too: they are part of the record
  let cursor = range.start;
  const sorted = [...call.screen].sort((a, b) => a.startedAt - b.startedAt);
  for (const s of sorted) {
    if (s.startedAt > cursor + 1) {
      blocks.push(span(cursor, s.startedAt, 'none', `${NO_SCREEN[0]} · ${formatTime(cursor)}–${formatTime(s.startedAt)}`));
    }
    blocks.push(span(s.startedAt, screenEnd(s), 'screen',
      `Screen recorded on cluster ${s.clusterId} · ${formatTime(s.startedAt)}–${formatTime(screenEnd(s))}`,
      { recordingId: s.recordingId }));
    for (const g of s.gaps || []) {
      const [title] = GAP_TEXT[g.reason] || GAP_TEXT.MISSING;
      blocks.push(span(g.from, g.to, 'gap gap-' + String(g.reason || 'MISSING').toLowerCase(),
        `${title} · ${formatTime(g.from)}–${formatTime(g.to)} (${formatDuration(g.to - g.from)})`, { reason: g.reason }));
    }
    cursor = Math.max(cursor, screenEnd(s));
  }
  if (range.end > cursor + 1) {
    blocks.push(span(cursor, range.end, 'none', `${NO_SCREEN[0]} · ${formatTime(cursor)}–${formatTime(range.end)}`));
  }
  screenLane.replaceChildren(...blocks);
  $('lane-audio').replaceChildren(...call.audio.map((a) => span(a.startedAt, audioEnd(a), 'audio',
    `Audio from cluster ${a.clusterId} · ${formatTime(a.startedAt)}–${formatTime(audioEnd(a))}`)));
  if (!call.audio.length) {
    $('lane-audio').append(el('span', { class: 'lane-empty' }, 'no audio for this call'));
  }
}

// ---- thumbnails ----

async function loadThumbnails() {
  const lists = await Promise.all(call.screen.filter((s) => s.thumbnailsUrl).map(async (s) => {
    try {
      const r = await fetch(s.thumbnailsUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!r.ok) {
        return [];
      }
      const list = await r.json();
      return list.map((x) => ({ t: s.startedAt + x.at, url: x.url }));
    } catch (e) {
      return [];
    }
  }));
  thumbs = lists.flat().sort((a, b) => a.t - b.t);
  if (!thumbs.length) {
    // one picture is better than none: the recording's poster thumbnail
    thumbs = call.screen.filter((s) => s.thumbnailUrl).map((s) => ({ t: s.startedAt, url: s.thumbnailUrl }));
  }
  renderFilmstrip();
}

function thumbAt(t) {
  if (!call.screen.some((s) => t >= s.startedAt && t < screenEnd(s))) {
    return null;
  }
  let best = null;
  for (const th of thumbs) {
    if (th.t <= t + 1) {
      best = th;
    } else {
      break;
    }
  }
  return best || thumbs[0] || null;
}

/**
 * Shows a thumbnail in img. The server answers 503 while it is still making a recording's
 * thumbnails (one pass over the whole video, half a minute for a long call) rather than holding
 * the connection, so a failed load is tried again a little later.
 */
function showThumb(img, url) {
  img.dataset.thumb = url;
  let tries = 0;
  img.onerror = () => {
    if (img.dataset.thumb !== url || tries >= 40) {
      return;
    }
    tries += 1;
    setTimeout(() => {
      if (img.dataset.thumb === url && img.isConnected) {
        // a new URL: the browser may remember the failed load of the old one
        img.src = `${url}?try=${tries}`;
      }
    }, Math.min(10000, 1000 * (1 + tries)));
  };
  img.src = url;
  return img;
}

function renderFilmstrip() {
  const strip = $('filmstrip');
  const width = strip.clientWidth || 800;
  const n = Math.max(1, Math.floor(width / FILM_SLOT_PX));
  const slots = [];
  for (let i = 0; i < n; i++) {
    const t = range.start + ((i + 0.5) / n) * (range.end - range.start);
    const th = thumbAt(t);
    slots.push(el('div', { class: 'film-slot' }, th ? showThumb(el('img', { alt: '', loading: 'lazy', draggable: 'false' }), th.url) : null));
  }
  strip.replaceChildren(...slots);
}

// ---- screen stage, monitors ----

function boundingBox(screens) {
  const minX = Math.min(...screens.map((s) => s.x));
  const minY = Math.min(...screens.map((s) => s.y));
  const maxX = Math.max(...screens.map((s) => s.x + s.width));
  const maxY = Math.max(...screens.map((s) => s.y + s.height));
  return { minX, minY, w: maxX - minX, h: maxY - minY };
}

function renderMonitors() {
  const withLayout = call.screen.find((s) => s.screens && s.screens.length > 1);
  const box = $('monitors');
  if (!withLayout) {
    box.hidden = true;
    return;
  }
  layout = withLayout.screens;
  const button = (mode, label) => {
    const b = el('button', { type: 'button', dataset: { mode: String(mode) }, 'aria-pressed': String(monitorMode === String(mode)) }, label);
    b.classList.toggle('on', monitorMode === String(mode));
    b.addEventListener('click', () => {
      monitorMode = String(mode);
      renderMonitors();
      applyCrop();
    });
    return b;
  };
  box.replaceChildren(button('all', 'All screens'), ...layout.map((s, i) => button(s.id, `Screen ${i + 1}`)));
  box.hidden = false;
}

/** Shows the whole composed picture, or one monitor of it by scaling the video inside a clipping stage. */
function applyCrop() {
  const stage = $('stage');
  for (const p of player ? player.videos : []) {
    const screens = p.info.screens || [];
    const v = p.el;
    const chosen = monitorMode === 'all' ? null : screens.find((s) => String(s.id) === monitorMode);
    if (!chosen || screens.length === 0) {
      Object.assign(v.style, { width: '100%', height: '100%', left: '0', top: '0', objectFit: 'contain' });
      continue;
    }
    const b = boundingBox(screens);
    Object.assign(v.style, {
      width: `${(b.w / chosen.width) * 100}%`,
      height: `${(b.h / chosen.height) * 100}%`,
      left: `${(-(chosen.x - b.minX) / chosen.width) * 100}%`,
      top: `${(-(chosen.y - b.minY) / chosen.height) * 100}%`,
      objectFit: 'fill',
    });
  }
  stage.style.setProperty('--ar', String(stageAspect()));
}

function stageAspect() {
  const p = player && (player.activeVideo || player.videos[0]);
  const screens = p ? p.info.screens || [] : [];
  if (monitorMode !== 'all') {
    const s = screens.find((x) => String(x.id) === monitorMode);
    if (s) {
      return s.width / s.height;
    }
  }
  if (p && p.el.width > 16 && p.el.height > 9) {
    return p.el.width / p.el.height;
  }
  if (screens.length) {
    const b = boundingBox(screens);
    return b.w / b.h;
  }
  return 16 / 9;
}

// ---- UI refresh ----

let lastOverlay = '';
let lastAspect = 0;

function refresh(p) {
  const t = p.timelineMs();
  $('time-pos').textContent = formatDuration(t - range.start);
  $('abs-time').textContent = formatTime(t);
  $('playhead').style.left = pct(t);
  const scrub = $('scrub');
  scrub.setAttribute('aria-valuenow', String(Math.round((t - range.start) / 1000)));
  scrub.setAttribute('aria-valuetext', formatDuration(t - range.start));
  const play = $('play');
  play.classList.toggle('playing', p.playing);
  play.setAttribute('aria-label', p.playing ? 'Pause' : 'Play');
  play.title = p.playing ? 'Pause (space)' : 'Play (space)';
  for (const v of p.videos) {
    v.el.classList.toggle('active', v === p.activeVideo);
  }
  const gap = gapAt(t);
  let overlay = null;
  if (gap) {
    overlay = GAP_TEXT[gap.reason] || GAP_TEXT.MISSING;
  } else if (!p.activeVideo) {
    overlay = call.screen.length ? NO_SCREEN : ['No screen recording', 'This call has no screen recording; the audio plays alone.'];
  }
  const key = overlay ? overlay[0] + (gap ? gap.reason : 'none') : '';
  if (key !== lastOverlay) {
    lastOverlay = key;
    const o = $('overlay');
    o.hidden = !overlay;
    o.dataset.reason = gap ? gap.reason : (overlay ? 'NO_SCREEN' : '');
    o.classList.toggle('over-video', !!(gap && p.activeVideo));
    if (overlay) {
      $('overlay-title').textContent = overlay[0];
      $('overlay-sub').textContent = overlay[1];
    }
  }
  $('buffering').hidden = !p.isWaiting();
  const ar = stageAspect();
  if (Math.abs(ar - lastAspect) > 0.001) {
    lastAspect = ar;
    $('stage').style.setProperty('--ar', String(ar));
  }
}

// ---- scrubbing ----

function timeAtX(clientX) {
  const r = $('scrub').getBoundingClientRect();
  const f = Math.min(1, Math.max(0, (clientX - r.left) / Math.max(1, r.width)));
  return range.start + f * (range.end - range.start);
}

function wireScrubber() {
  const scrub = $('scrub');
  const preview = $('hover-preview');
  const line = $('hover-line');
  let dragging = false;
  let lastSeek = 0;
  const hover = (ev) => {
    const t = timeAtX(ev.clientX);
    line.hidden = false;
    line.style.left = pct(t);
    const th = thumbAt(t);
    const img = $('hover-img');
    img.hidden = !th;
    if (th && img.dataset.thumb !== th.url) {
      showThumb(img, th.url);
    }
    $('hover-time').textContent = `${formatDuration(t - range.start)} · ${formatTime(t)}`;
    preview.hidden = false;
    const r = scrub.getBoundingClientRect();
    const w = preview.offsetWidth || 160;
    preview.style.left = `${Math.min(r.width - w, Math.max(0, ev.clientX - r.left - w / 2))}px`;
    return t;
  };
  scrub.addEventListener('pointermove', (ev) => {
    const t = hover(ev);
    if (dragging) {
      $('playhead').style.left = pct(t);
      if (performance.now() - lastSeek > 150) {
        lastSeek = performance.now();
        player.seek(t);
      }
    }
  });
  scrub.addEventListener('pointerleave', () => {
    if (!dragging) {
      preview.hidden = true;
      line.hidden = true;
    }
  });
  scrub.addEventListener('pointerdown', (ev) => {
    if (ev.button !== 0) {
      return;
    }
    dragging = true;
    scrub.setPointerCapture(ev.pointerId);
    lastSeek = performance.now();
    player.seek(hover(ev));
  });
  const end = (ev) => {
    if (dragging) {
      dragging = false;
      player.seek(timeAtX(ev.clientX));
      preview.hidden = true;
      line.hidden = true;
    }
  };
  scrub.addEventListener('pointerup', end);
  scrub.addEventListener('pointercancel', end);
  scrub.addEventListener('keydown', (ev) => {
    const t = player.timelineMs();
    const moves = { ArrowLeft: t - SEEK_STEP_MS, ArrowRight: t + SEEK_STEP_MS, Home: range.start, End: range.end };
    if (ev.key in moves) {
      ev.preventDefault();
      player.seek(moves[ev.key]);
    }
  });
  new ResizeObserver(() => renderFilmstrip()).observe($('filmstrip'));
}

function wireControls() {
  const play = $('play');
  play.addEventListener('click', () => player.toggle());
  play.disabled = false;
  for (const b of $('speed').querySelectorAll('button')) {
    b.addEventListener('click', () => setRate(Number(b.dataset.rate)));
  }
  document.addEventListener('keydown', (ev) => {
    const tag = ev.target && ev.target.tagName;
    if (tag === 'INPUT' || tag === 'BUTTON' || tag === 'SELECT' || tag === 'TEXTAREA' || tag === 'A') {
      return;
    }
    if (ev.key === ' ' || ev.key === 'k') {
      ev.preventDefault();
      player.toggle();
    } else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowRight') {
      ev.preventDefault();
      player.seek(player.timelineMs() + (ev.key === 'ArrowLeft' ? -SEEK_STEP_MS : SEEK_STEP_MS));
    }
  });
  $('export').addEventListener('click', startExport);
}

function setRate(rate) {
  player.setRate(rate);
  for (const b of $('speed').querySelectorAll('button')) {
    const on = Number(b.dataset.rate) === rate;
    b.classList.toggle('on', on);
    b.setAttribute('aria-pressed', String(on));
  }
}

// ---- export ----

let exportRun = 0;

async function startExport() {
  const run = ++exportRun;
  const panel = $('export-panel');
  const button = $('export');
  const state = $('export-state');
  const progress = $('export-progress');
  const link = $('export-download');
  const evidence = $('export-evidence');
  const error = $('export-error');
  panel.hidden = false;
  panel.dataset.state = 'STARTING';
  link.hidden = true;
  evidence.hidden = true;
  error.hidden = true;
  progress.value = 0;
  progress.removeAttribute('value');
  state.textContent = 'Starting…';
  button.disabled = true;
  panel.scrollIntoView({ block: 'nearest' });
  try {
    const started = await api('POST', `/calls/${seg(callId)}/export`);
    const id = started.exportId;
    panel.dataset.exportId = id;
    for (;;) {
      const s = await api('GET', `/exports/${seg(id)}`);
      if (run !== exportRun) {
        return;
      }
      panel.dataset.state = s.state;
      const p = Math.min(1, Math.max(0, Number(s.progress) || 0));
      progress.value = s.state === 'DONE' ? 1 : p;
      panel.dataset.progress = String(progress.value);
      if (s.state === 'DONE') {
        state.textContent = 'Ready';
        link.href = `/replay/api/exports/${seg(id)}/file`;
        // the server names the file (Content-Disposition)
        link.setAttribute('download', '');
        link.dataset.exportId = id;
        link.hidden = false;
        evidence.href = s.evidenceUrl;
        evidence.setAttribute('download', '');
        evidence.hidden = false;
        break;
      }
      if (s.state === 'FAILED') {
        state.textContent = 'Failed';
        error.textContent = s.error || 'The export failed.';
        error.hidden = false;
        break;
      }
      state.textContent = `Exporting… ${Math.round(p * 100)} %`;
      await new Promise((r) => setTimeout(r, 500));
    }
  } catch (e) {
    panel.dataset.state = 'FAILED';
    state.textContent = 'Failed';
    error.textContent = messageOf(e);
    error.hidden = false;
  } finally {
    if (run === exportRun) {
      button.disabled = false;
    }
  }
}

// ---- media and test hooks ----

let lanesPending = false;

/** Redraws the lanes once per animation frame however many gaps the segments reveal in it. */
function lanesLater() {
  if (lanesPending) return;
  lanesPending = true;
  requestAnimationFrame(() => {
    lanesPending = false;
    renderLanes();
    lastOverlay = '';
  });
}

function buildMedia() {
  const viewport = $('viewport');
  const screens = call.screen.map((s) => {
    const canvas = el('canvas', { class: 'screen-video', dataset: { recordingId: s.recordingId, clusterId: s.clusterId } });
    viewport.append(canvas);
    return new CaptureScreen(s, canvas, (gap) => {
      // what the segments say is part of the record, whether or not the server had read it yet (it
      // reads in-segment gaps in the background) and whether or not a segment could be read at all
      const gaps = s.gaps || [];
      if (gaps.some((g) => g.reason === gap.reason && Math.abs(g.from - gap.from) <= 1 && Math.abs(g.to - gap.to) <= 1)) {
        return;
      }
      s.gaps = [...gaps, gap];
      lanesLater();
    });
  });
  const media = $('media');
  const audios = call.audio.map((a) => {
    const au = el('audio', { preload: 'auto', dataset: { clusterId: a.clusterId } });
    au.src = a.url;
    media.append(au);
    return { info: a, el: au, startMs: a.startedAt, endMs: audioEnd(a) };
  });
  let scheduled = false;
  player = new Player({
    startMs: range.start,
    endMs: range.end,
    screens,
    audios,
    onUpdate: (p) => {
      if (!scheduled) {
        scheduled = true;
        requestAnimationFrame(() => {
          scheduled = false;
          refresh(p);
        });
      }
    },
    onProblem: async (msg) => {
      // a media request refused with 401 looks like a load error; the session check tells
      await currentSession();
      showError(msg);
    },
  });
}

function exposeForTests() {
  window.replay = {
    timelineMs: () => player.timelineMs(),
    videoAbsMs: () => player.videoAbsMs(),
    audioAbsMs: () => player.audioAbsMs(),
    get playing() {
      return player.playing;
    },
    get rate() {
      return player.rate;
    },
    get metrics() {
      const screens = player.videos.map((v) => v.metrics);
      return {
        ...player.metrics,
        framesShown: screens.reduce((n, m) => n + m.framesShown, 0),
        droppedFrames: screens.reduce((n, m) => n + m.droppedFrames, 0),
      };
    },
    range: () => ({ ...range }),
    /** Every clock read in one go, so a test compares values taken at the same instant. */
    snapshot: () => ({
      timelineMs: player.timelineMs(),
      videoAbsMs: player.videoAbsMs(),
      audioAbsMs: player.audioAbsMs(),
      playing: player.playing,
      rate: player.rate,
      waiting: player.isWaiting(),
      recordingId: player.activeVideo ? player.activeVideo.info.recordingId : null,
    }),
    /**
     * Mean colour [r, g, b] of a square (side = 1/8 of the shorter edge) centred at (fx, fy) of
     * the visible screen's picture, with the instant it shows.
     */
    sampleRgb: (fx = 0.5, fy = 0.5) => {
      const v = player.activeVideo;
      if (!v || v.seeking || v.absMs() == null) {
        return null;
      }
      const at = v.absMs();
      const w = v.el.width;
      const h = v.el.height;
      const side = Math.max(2, Math.floor(Math.min(w, h) / 8));
      const x = Math.max(0, Math.min(w - side, Math.floor(fx * w - side / 2)));
      const y = Math.max(0, Math.min(h - side, Math.floor(fy * h - side / 2)));
      const d = v.ctx.getImageData(x, y, side, side).data;
      const sum = [0, 0, 0];
      for (let i = 0; i < d.length; i += 4) {
        sum[0] += d[i];
        sum[1] += d[i + 1];
        sum[2] += d[i + 2];
      }
      const n = d.length / 4;
      return { rgb: sum.map((s) => Math.round(s / n)), videoAbsMs: at, audioAbsMs: player.audioAbsMs() };
    },
    /** The visible screen's whole picture, RGB bytes row by row in base64, with the instant it shows. */
    screenPixels: () => {
      const v = player.activeVideo;
      if (!v || v.seeking || v.absMs() == null) {
        return null;
      }
      const p = v.pixels();
      let text = '';
      const rgb = new Uint8Array(p.width * p.height * 3);
      for (let i = 0, j = 0; j < rgb.length; i += 4, j += 3) {
        rgb[j] = p.data[i];
        rgb[j + 1] = p.data[i + 1];
        rgb[j + 2] = p.data[i + 2];
      }
      for (let i = 0; i < rgb.length; i += 0x8000) {
        text += String.fromCharCode(...rgb.subarray(i, i + 0x8000));
      }
      return { width: p.width, height: p.height, shownT: p.shownT, rgb: btoa(text) };
    },
    /** What each screen recording's player holds, for a test's failure message. */
    screens: () => player.videos.map((v) => ({
      recordingId: v.info.recordingId,
      startMs: v.startMs,
      endMs: v.endMs,
      epoch: v.epoch,
      seeking: v.seeking,
      shownT: v.shownT,
      queued: v.queue.length,
      pictures: [...v.last.values()].map((f) => ({ screen: f.screen, time: f.time })),
      canvas: [v.el.width, v.el.height],
      segments: v.info.segments,
      damaged: v.damaged,
    })),
    play: () => player.play(),
    pause: () => player.pause(),
    seek: (t) => player.seek(t),
    setRate: (r) => setRate(r),
  };
}

async function init() {
  const session = await requireSession();
  renderTopBar(session, 'search');
  try {
    call = await api('GET', `/calls/${seg(callId)}`);
  } catch (e) {
    $('call-id').textContent = callId;
    showError(e instanceof ApiError && e.status === 404 ? `There is no call "${callId}".` : messageOf(e));
    $('player').hidden = true;
    return;
  }
  call.screen = call.screen || [];
  call.audio = call.audio || [];
  range = computeRange(call);
  renderFacts();
  renderLanes();
  $('time-total').textContent = formatDuration(range.end - range.start);
  buildMedia();
  exposeForTests();
  renderMonitors();
  applyCrop();
  wireScrubber();
  wireControls();
  renderFilmstrip();
  loadThumbnails();
  refresh(player);
  // ms from the start of navigation until the page had the call and its media elements (bench)
  window.replay.readyAtMs = performance.now();
  document.body.dataset.ready = 'true';
}

init().catch((e) => showError(messageOf(e)));
