import { ApiError, api, messageOf, requireSession, seg } from './api.js';
import { renderTopBar, showError } from './chrome.js';
import { el, formatDateTime, localInputToMs } from './format.js';

const $ = (id) => document.getElementById(id);

function flash(box, text, ok) {
  box.textContent = text;
  box.className = 'form-msg ' + (ok ? 'ok' : 'error');
  box.hidden = false;
}

// ---- users ----

async function loadUsers() {
  const users = await api('GET', '/users');
  $('users').querySelector('tbody').replaceChildren(...users.map(userRow));
  $('user-count').textContent = users.length === 1 ? '1 user' : `${users.length} users`;
}

async function change(username, patch, msgBox) {
  try {
    await api('PUT', `/users/${seg(username)}`, patch);
    await loadUsers();
    showError('');
  } catch (e) {
    if (msgBox) {
      flash(msgBox, messageOf(e), false);
    } else {
      showError(`${username}: ${messageOf(e)}`);
    }
  }
}

function userRow(u) {
  const role = el('select', { 'aria-label': `Role of ${u.username}`, class: 'role-select' },
    el('option', { value: 'REVIEWER', selected: u.role === 'REVIEWER' }, 'Reviewer'),
    el('option', { value: 'ADMIN', selected: u.role === 'ADMIN' }, 'Admin'));
  role.addEventListener('change', () => change(u.username, { role: role.value }));
  const pw = el('input', { type: 'password', placeholder: 'new password', autocomplete: 'new-password', maxlength: '1024',
    'aria-label': `New password for ${u.username}`, class: 'inline-input' });
  const pwMsg = el('span', { class: 'form-msg', hidden: true });
  const setPw = el('button', { type: 'button', class: 'secondary small' }, 'Set');
  setPw.addEventListener('click', async () => {
    if (!pw.value) {
      flash(pwMsg, 'Enter a password first.', false);
      return;
    }
    try {
      await api('PUT', `/users/${seg(u.username)}`, { password: pw.value });
      pw.value = '';
      flash(pwMsg, 'Password changed.', true);
    } catch (e) {
      flash(pwMsg, messageOf(e), false);
    }
  });
  const toggle = el('button', { type: 'button', class: u.disabled ? 'secondary small' : 'danger small' },
    u.disabled ? 'Enable' : 'Disable');
  toggle.addEventListener('click', () => change(u.username, { disabled: !u.disabled }));
  return el('tr', { dataset: { username: u.username } },
    el('td', { class: 'strong' }, u.username),
    el('td', {}, role),
    el('td', {}, el('span', { class: u.disabled ? 'badge no' : 'badge yes' }, u.disabled ? 'disabled' : 'active')),
    el('td', { class: 'nowrap' }, pw, ' ', setPw, ' ', pwMsg),
    el('td', { class: 'right' }, toggle));
}

function wireNewUser() {
  const form = $('new-user');
  const msg = $('new-user-msg');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const username = form.username.value.trim();
    if (!username || !form.password.value) {
      flash(msg, 'A user needs a name and a password.', false);
      return;
    }
    try {
      await api('POST', '/users', { username, role: form.role.value, password: form.password.value });
      flash(msg, `User ${username} added.`, true);
      form.reset();
      await loadUsers();
    } catch (e) {
      flash(msg, messageOf(e), false);
    }
  });
}

// ---- audit ----

function auditQuery() {
  const q = new URLSearchParams();
  const from = localInputToMs($('audit-from').value);
  const to = localInputToMs($('audit-to').value);
  if (from != null) q.set('from', String(from));
  if (to != null) q.set('to', String(to));
  return q;
}

async function loadAudit() {
  const q = auditQuery();
  const s = q.toString() ? '?' + q : '';
  $('audit-csv').href = '/replay/api/audit.csv' + s;
  const events = await api('GET', '/audit' + s);
  $('audit').querySelector('tbody').replaceChildren(...events.map((e) => el('tr', { dataset: { action: e.action } },
    el('td', { class: 'nowrap' }, formatDateTime(e.at)),
    el('td', {}, e.username || '—'),
    el('td', {}, el('span', { class: 'chip action-' + String(e.action).toLowerCase() }, e.action)),
    el('td', { class: 'mono' }, e.callId ? el('a', { href: '/replay/calls/' + encodeURIComponent(e.callId) }, e.callId) : ''),
    el('td', { class: 'detail' }, e.detail || ''))));
  $('audit-count').textContent = `${events.length} events`;
}

function wireTabs() {
  const tabs = { users: $('tab-users'), audit: $('tab-audit') };
  const show = (name) => {
    for (const [k, b] of Object.entries(tabs)) {
      const on = k === name;
      b.classList.toggle('on', on);
      b.setAttribute('aria-selected', String(on));
      $('panel-' + k).hidden = !on;
    }
    history.replaceState(null, '', '/replay/admin' + (name === 'audit' ? '#audit' : ''));
    if (name === 'audit') {
      loadAudit().catch((e) => showError(messageOf(e)));
    }
  };
  tabs.users.addEventListener('click', () => show('users'));
  tabs.audit.addEventListener('click', () => show('audit'));
  $('audit-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    loadAudit().catch((e) => showError(messageOf(e)));
  });
  if (location.hash === '#audit') {
    show('audit');
  }
}

function refuse() {
  $('admin').hidden = true;
  $('forbidden').hidden = false;
  document.body.dataset.ready = 'true';
}

async function init() {
  const session = await requireSession();
  renderTopBar(session, 'admin');
  if (session.role !== 'ADMIN') {
    refuse();
    return;
  }
  try {
    await loadUsers();
  } catch (e) {
    if (e instanceof ApiError && e.status === 403) {
      refuse();
      return;
    }
    throw e;
  }
  $('admin').hidden = false;
  wireNewUser();
  wireTabs();
  document.body.dataset.ready = 'true';
}

init().catch((e) => showError(messageOf(e)));
