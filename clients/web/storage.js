// What this browser keeps between visits: the conversation last open (per user) and the composer's mode. The
// messages live on the server, and the server says whose session the HttpOnly cookie carries.

import { state } from './state.js';

export const keys = {
  mode: 'parley.mode',
  open: (name) => `parley.open.${name}`,
};

export function stored(key) {
  try {
    return window.localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function store(key, value) {
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
