// Reaction counts read again from the server. History gives counts, not who reacted, and a stream that resumes
// (a reload, a reconnect) brings the `reaction` events of changes that a page of history read meanwhile already
// counted: adding them again would count them twice. So a reaction event for a message whose counts came from
// history is applied at once (the reader's own press shows without waiting) and then the message's counts are
// read again: the one-message page of history that ends at it (`before` its id + 1, `limit` 1). Events that come
// close together are read for once; an answer overtaken by a later event is dropped for the later one's.

import { api } from './api.js';
import { state } from './state.js';

/** How long a recount waits for more events of the same message (a resumed stream brings them in a burst). */
const settleMs = 200;

/** message id -> {timer, round}: the recount waiting, and which event the last one was asked for. */
const pending = new Map();

async function recount(conv, msg) {
  const round = pending.get(msg.id)?.round;
  if (round === undefined) return;
  const me = state.me;
  let page;
  try {
    ({ body: page } = await api.history(conv.name, { before: String(Number(msg.id) + 1), limit: 1 }));
  } catch {
    // The counts stay as the events made them; the next event, or the next read of history, puts them right.
    return;
  } finally {
    if (pending.get(msg.id)?.round === round) pending.delete(msg.id);
  }
  if (state.me !== me || pending.has(msg.id)) return;
  const fresh = page.messages.at(-1);
  if (!fresh || fresh.id !== msg.id || msg.deleted) return;
  msg.reactions = fresh.reactions ?? [];
  state.emit('message-changed', msg);
}

state.on('recount', ({ conv, msg }) => {
  const entry = pending.get(msg.id) ?? { round: 0 };
  clearTimeout(entry.timer);
  entry.round += 1;
  entry.timer = setTimeout(() => void recount(conv, msg), settleMs);
  pending.set(msg.id, entry);
});
state.on('signed-out', () => {
  for (const entry of pending.values()) clearTimeout(entry.timer);
  pending.clear();
});
