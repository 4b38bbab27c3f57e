// The bar at the top of every signed-in page: product, navigation by role, who is signed in.
import { logout, messageOf } from './api.js';
import { el } from './format.js';

export function renderTopBar(session, active) {
  const bar = document.getElementById('topbar');
  const nav = el('nav', { class: 'nav' },
    el('a', { href: '/replay/search', class: active === 'search' ? 'active' : null }, 'Calls'),
    session.role === 'ADMIN' ? el('a', { href: '/replay/admin', class: active === 'admin' ? 'active' : null }, 'Admin') : null);
  const out = el('button', { type: 'button', class: 'link', id: 'logout' }, 'Sign out');
  out.addEventListener('click', async () => {
    try {
      await logout();
      location.assign('/replay/login?reason=logged_out');
    } catch (e) {
      showError(messageOf(e));
    }
  });
  bar.replaceChildren(
    el('a', { class: 'brand', href: '/replay/search' }, el('span', { class: 'logo', 'aria-hidden': 'true' }), 'ScreenRec Replay'),
    nav,
    el('div', { class: 'who' },
      el('span', { class: 'user', id: 'current-user' }, session.username),
      el('span', { class: 'role' }, session.role === 'ADMIN' ? 'admin' : 'reviewer'),
      out));
}

/** One line at the top of the page for errors that are not tied to a form. */
export function showError(message) {
  const box = document.getElementById('page-error');
  if (!box) {
    return;
  }
  box.textContent = message || '';
  box.hidden = !message;
}
