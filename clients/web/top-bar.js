// The top bar of a signed-in page (#session): who is signed in, whether the stream is connected, the Account
// panel (account.js) and Sign out. The Notify me button beside them is notices.js's.

import { AccountPanel } from './account.js';
import { $ } from './dom.js';
import { state } from './state.js';

const view = {
  session: $('session'),
  conn: $('conn'),
  connText: $('conn-text'),
  meName: $('me-name'),
  signOut: $('sign-out'),
};

const account = new AccountPanel();

state.on('signed-in', () => {
  view.meName.textContent = state.me;
  view.session.hidden = false;
});

// Nothing of the account stays in sight once signed out.
state.on('signed-out', () => {
  account.close();
  view.session.hidden = true;
});

state.on('connection', (s) => {
  view.conn.dataset.state = s;
  view.connText.textContent = s === 'connected' ? 'connected' : s === 'connecting' ? 'connecting…' : 'reconnecting…';
});

view.signOut.addEventListener('click', () => void state.request('sign-out'));
