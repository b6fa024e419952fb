// What this browser keeps between visits: the conversation last open and the session's id (per user), the
// composer's mode, and whether
// this device shows notifications (`on`, `off`, or never said: then as the browser's permission says). The
// messages live on the server, and the server says whose session the HttpOnly cookie carries.

import { state } from './state.js';

export const keys = {
  mode: 'parley.mode',
  notifications: 'parley.notifications',
  open: (name) => `parley.open.${name}`,
  /** The id of the session this browser signed in to the account with (this-device.js). */
  session: (name) => `parley.session.${name}`,
};

export function stored(key) {
  try {
    return window.localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

export function store(key, value) {
  try {
    if (value === undefined) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // Storage full or disabled: the page works without it.
  }
}

/**
 * Earlier versions of the page kept the name and the messages in local storage, and then the name in a cookie of
 * its own; the server has both now.
 */
export function dropOldStorage() {
  document.cookie = 'parley_user=; Path=/; SameSite=Strict; Max-Age=0';
  try {
    for (const key of Object.keys(window.localStorage)) {
      if (key === 'parley.user' || key.startsWith('parley.history.')) window.localStorage.removeItem(key);
    }
  } catch {
    // nothing kept, nothing to drop
  }
}

state.on('mode', () => store(keys.mode, state.mode));
state.on('open', () => {
  if (state.me) store(keys.open(state.me), state.open);
});
// Signing out forgets the conversation that was open; a reload keeps it.
state.on('signed-out', ({ name }) => {
  if (name) store(keys.open(name), undefined);
});
