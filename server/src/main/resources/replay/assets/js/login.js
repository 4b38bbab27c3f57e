import { ApiError, login, messageOf } from './api.js';

const NOTICES = {
  session_expired: 'Your session has expired. Please sign in again.',
  not_logged_in: 'Please sign in to continue.',
  logged_out: 'You have signed out.',
};

/** Only our own pages are valid targets after signing in (no open redirect). */
function nextPage(params) {
  const next = params.get('next');
  return next && next.startsWith('/replay/') && !next.startsWith('//') && !next.startsWith('/replay/login')
    && !next.startsWith('/replay/api/') ? next : '/replay/search';
}

function init() {
  const params = new URLSearchParams(location.search);
  const notice = document.getElementById('login-message');
  const reason = params.get('reason');
  if (reason && NOTICES[reason]) {
    notice.textContent = NOTICES[reason];
    notice.dataset.reason = reason;
    notice.classList.toggle('warn', reason === 'session_expired');
    notice.hidden = false;
  }
  const form = document.getElementById('login-form');
  const error = document.getElementById('login-error');
  const submit = document.getElementById('login-submit');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    const username = form.username.value.trim();
    const password = form.password.value;
    if (!username || !password) {
      error.textContent = 'Enter your user name and password.';
      error.dataset.code = 'missing';
      error.hidden = false;
      return;
    }
    submit.disabled = true;
    try {
      await login(username, password);
      location.assign(nextPage(params));
    } catch (e) {
      error.textContent = messageOf(e);
      error.dataset.code = e instanceof ApiError ? (e.code || String(e.status)) : 'network';
      error.hidden = false;
      form.password.value = '';
      form.password.focus();
    } finally {
      submit.disabled = false;
    }
  });
}

init();
