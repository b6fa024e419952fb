// One session per browser. The page remembers which session it signed in with (GET /sessions marks it
// `current`), per account; a sign-in that finds another one remembered, still signed in (the cookie was lost or
// cleared, say), signs that one out, so that the Account panel lists this browser once. No DOM here.

import { api } from './api.js';
import { state } from './state.js';
import { keys, store, stored } from './storage.js';

async function rememberSession(name) {
  let sessions;
  try {
    ({
      body: { sessions },
    } = await api.sessions());
  } catch {
    return; // Remembered at the next sign-in instead.
  }
  const current = sessions.find((s) => s.current);
  if (!current || state.me !== name) return;
  const before = stored(keys.session(name));
  store(keys.session(name), current.id);
  if (before === undefined || before === current.id || !sessions.some((s) => s.id === before)) return;
  try {
    await api.revokeSession(before);
  } catch {
    // Gone already, or the server is away: the Account panel still offers it.
  }
}

state.on('signed-in', () => void rememberSession(state.me));
// Signed out, the session is gone: nothing to replace at the next sign-in.
state.on('signed-out', ({ name }) => {
  if (name) store(keys.session(name), undefined);
});
