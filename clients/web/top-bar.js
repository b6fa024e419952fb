// The top bar of a signed-in page (#session): who is signed in, whether the stream is connected, the Account
// panel (account.js) and Sign out. The Notify me button beside them is notices.js's. On a phone the buttons fold
// into a menu (#menu-toggle, a disclosure: Escape or a click elsewhere closes it), so that the bar is one row.

import { AccountPanel } from './account.js';
import { $ } from './dom.js';
import { state } from './state.js';

const view = {
  session: $('session'),
  conn: $('conn'),
  connText: $('conn-text'),
  meName: $('me-name'),
  signOut: $('sign-out'),
  menuToggle: $('menu-toggle'),
  menu: $('session-menu'),
};

function setMenu(open, { refocus = false } = {}) {
  view.session.dataset.menu = open ? 'open' : 'closed';
  view.menuToggle.setAttribute('aria-expanded', String(open));
  if (refocus) view.menuToggle.focus();
}

view.menuToggle.addEventListener('click', () => {
  const open = view.session.dataset.menu !== 'open';
  setMenu(open);
  if (open) view.menu.querySelector('button:not([hidden])')?.focus();
});
// A choice made, or a click anywhere else, closes the menu; Escape closes it and returns to its button. A panel
// opened from it leaves it open, so that closing the panel returns focus to the button that opened it.
view.menu.addEventListener('click', (event) => {
  if (!event.target.closest?.('[aria-haspopup="dialog"]')) setMenu(false);
});
document.addEventListener('click', (event) => {
  if (view.session.dataset.menu !== 'open' || view.session.contains(event.target)) return;
  if (!event.target.closest?.('dialog')) setMenu(false);
});
view.session.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || view.session.dataset.menu !== 'open') return;
  event.preventDefault();
  event.stopPropagation();
  setMenu(false, { refocus: true });
});
// Focus gone elsewhere by Tab closes it too: an open menu would cover what focus went to.
view.session.addEventListener('focusout', (event) => {
  const to = event.relatedTarget;
  if (view.session.dataset.menu !== 'open' || view.session.contains(to) || to?.closest?.('dialog')) return;
  setMenu(false);
});

const account = new AccountPanel();

// A panel opened from the menu on a laptop and closed on a phone, or the other way round, gives focus back to a
// button that may be folded away: then to the menu's button, which is in sight. Watched on the `open` attribute,
// which goes at once, rather than the close event, which comes a task later.
const panels = new window.MutationObserver((changes) => {
  if (!changes.some((change) => !change.target.open)) return;
  const at = document.activeElement;
  if (!at || at === document.body || !at.checkVisibility()) view.menuToggle.focus();
});
for (const id of ['account', 'integrations', 'admin'])
  panels.observe($(id), { attributes: true, attributeFilter: ['open'] });

state.on('signed-in', () => {
  view.meName.textContent = state.me;
  view.session.hidden = false;
});

// Nothing of the account stays in sight once signed out.
state.on('signed-out', () => {
  account.close();
  setMenu(false);
  view.session.hidden = true;
});

state.on('connection', (s) => {
  view.conn.dataset.state = s;
  view.connText.textContent = s === 'connected' ? 'connected' : s === 'connecting' ? 'connecting…' : 'reconnecting…';
});

view.signOut.addEventListener('click', () => void state.request('sign-out'));
