// Times on the wire are absolute UTC ms; people read them in their own time zone.

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
});
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function formatDateTime(ms) {
  return ms == null ? '—' : dateTime.format(new Date(ms));
}

export function formatTime(ms) {
  return ms == null ? '—' : timeOnly.format(new Date(ms));
}

/** A duration as h:mm:ss or m:ss. */
export function formatDuration(ms) {
  if (ms == null || !isFinite(ms)) {
    return '—';
  }
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** A <input type="datetime-local"> value (local time) as UTC ms, or null when empty. */
export function localInputToMs(value) {
  if (!value) {
    return null;
  }
  const ms = new Date(value).getTime();
  return isNaN(ms) ? null : ms;
}

/** UTC ms as a datetime-local value in the browser's zone. */
export function msToLocalInput(ms) {
  if (ms == null || ms === '') {
    return '';
  }
  const d = new Date(Number(ms));
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Creates an element: el('a', {href: '/x', class: 'c'}, 'text', child). Text is never parsed as HTML. */
export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) {
      continue;
    }
    if (k === 'class') {
      e.className = v;
    } else if (k === 'dataset') {
      Object.assign(e.dataset, v);
    } else if (k.startsWith('on') && typeof v === 'function') {
      e.addEventListener(k.slice(2), v);
    } else if (k === 'style' && typeof v === 'object') {
      Object.assign(e.style, v);
    } else {
      e.setAttribute(k, v === true ? '' : v);
    }
  }
  for (const c of children.flat()) {
    if (c == null || c === false) {
      continue;
    }
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}
