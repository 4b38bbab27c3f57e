import { api, messageOf, requireSession } from './api.js';
import { renderTopBar, showError } from './chrome.js';
import { el, formatDateTime, formatDuration, localInputToMs, msToLocalInput } from './format.js';

const form = document.getElementById('search-form');
const tbody = document.querySelector('#results tbody');
const count = document.getElementById('result-count');
const none = document.getElementById('no-results');

function queryFromForm() {
  const q = new URLSearchParams();
  const agent = form.agent.value.trim();
  const callId = form.callId.value.trim();
  const from = localInputToMs(form.from.value);
  const to = localInputToMs(form.to.value);
  if (agent) q.set('agent', agent);
  if (callId) q.set('callId', callId);
  if (from != null) q.set('from', String(from));
  if (to != null) q.set('to', String(to));
  return q;
}

function formFromQuery(q) {
  form.agent.value = q.get('agent') || '';
  form.callId.value = q.get('callId') || '';
  form.from.value = msToLocalInput(q.get('from'));
  form.to.value = msToLocalInput(q.get('to'));
}

function mark(yes, label) {
  return el('span', { class: yes ? 'badge yes' : 'badge no', title: yes ? label + ' recorded' : 'no ' + label },
    yes ? '✓' : '—');
}

function row(c) {
  const href = '/replay/calls/' + encodeURIComponent(c.callId);
  const duration = c.endedAt && c.startedAt ? c.endedAt - c.startedAt : null;
  const tr = el('tr', { class: 'call-row', dataset: { callId: c.callId } },
    el('td', {}, el('a', { href }, formatDateTime(c.startedAt))),
    el('td', { class: 'num' }, c.endedAt ? formatDuration(duration) : 'in progress'),
    el('td', {}, c.agent || '—'),
    el('td', { class: 'mono' }, el('a', { href, class: 'call-link' }, c.callId)),
    el('td', {}, mark(c.hasScreen, 'screen')),
    el('td', {}, mark(c.hasAudio, 'audio')),
    el('td', {}, (c.clusters || []).map((k) => el('span', { class: 'chip' }, k))));
  tr.addEventListener('click', (ev) => {
    if (!(ev.target instanceof HTMLAnchorElement)) {
      location.assign(href);
    }
  });
  return tr;
}

async function search(q) {
  showError('');
  count.textContent = 'Searching…';
  try {
    const calls = await api('GET', '/calls' + (q.toString() ? '?' + q : ''));
    tbody.replaceChildren(...calls.map(row));
    none.hidden = calls.length > 0;
    count.textContent = calls.length === 1 ? '1 call' : `${calls.length} calls` + (calls.length >= 200 ? ' (newest 200)' : '');
  } catch (e) {
    count.textContent = '';
    showError(messageOf(e));
  }
}

async function init() {
  const session = await requireSession();
  renderTopBar(session, 'search');
  const q = new URLSearchParams(location.search);
  formFromQuery(q);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const nq = queryFromForm();
    history.replaceState(null, '', '/replay/search' + (nq.toString() ? '?' + nq : ''));
    search(nq);
  });
  document.getElementById('search-clear').addEventListener('click', () => {
    form.reset();
    history.replaceState(null, '', '/replay/search');
    search(new URLSearchParams());
  });
  await search(queryFromForm());
  document.body.dataset.ready = 'true';
}

init().catch((e) => showError(messageOf(e)));
