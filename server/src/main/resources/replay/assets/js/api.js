// The replay JSON API (/replay/api), with the session's CSRF token on every state-changing call
// and one rule for every page: an answer of 401 sends the user to the login page, saying why.

let session = null;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

const MESSAGES = {
  bad_credentials: 'Wrong user name or password.',
  locked: 'Too many failed sign-ins. This account is locked for 30 seconds; try again then.',
  forbidden: 'Your role does not allow this.',
  csrf: 'The page was out of date; reload it and try again.',
  session_expired: 'Your session has expired. Please sign in again.',
  not_logged_in: 'Please sign in.',
};

export function messageOf(err) {
  if (err instanceof ApiError) {
    return MESSAGES[err.code] || err.message;
  }
  return err && err.message ? err.message : String(err);
}

/** Leaves for the login page; it tells the user why and comes back here after signing in. */
export function toLogin(reason) {
  const here = location.pathname + location.search;
  const q = new URLSearchParams({ reason: reason || 'not_logged_in' });
  if (!here.startsWith('/replay/login')) {
    q.set('next', here);
  }
  location.assign('/replay/login?' + q);
}

async function body(r) {
  const text = await r.text();
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    return { error: 'bad_response', message: text.slice(0, 200) };
  }
}

function stateChanging(method) {
  return method !== 'GET' && method !== 'HEAD';
}

/**
 * Calls /replay/api + path. Resolves to the parsed JSON (null for an empty body); rejects with an
 * ApiError. A 401 anywhere but on the login call itself leaves the page for the login page.
 */
export async function api(method, path, json, retried = false) {
  const headers = { Accept: 'application/json' };
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (stateChanging(method) && session && session.csrfToken) {
    headers['X-CSRF-Token'] = session.csrfToken;
  }
  const r = await fetch('/replay/api' + path, {
    method,
    headers,
    credentials: 'same-origin',
    cache: 'no-store',
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const data = await body(r);
  if (r.ok) {
    return data;
  }
  const code = data && data.error;
  if (r.status === 401 && path !== '/login') {
    session = null;
    toLogin(code === 'session_expired' ? 'session_expired' : 'not_logged_in');
    // the page is going away; keep callers from acting on a half answer
    return new Promise(() => {});
  }
  if (r.status === 403 && code === 'csrf' && !retried) {
    // the token may have been rotated by another tab's sign-in: fetch it again, try once more
    await currentSession();
    return api(method, path, json, true);
  }
  throw new ApiError(r.status, code, data && data.message);
}

export async function currentSession() {
  session = await api('GET', '/session');
  return session;
}

/** The page's entry check: resolves to the session, or leaves for the login page. */
export async function requireSession() {
  return currentSession();
}

export function rememberSession(s) {
  session = s;
}

export async function login(username, password) {
  session = await api('POST', '/login', { username, password });
  return session;
}

export async function logout() {
  try {
    await api('POST', '/logout');
  } finally {
    session = null;
  }
}

/** Path segment encoding for ids put into API paths. */
export function seg(s) {
  return encodeURIComponent(s);
}
