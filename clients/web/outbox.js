// Messages written and not yet taken by the server, in the order they were written. Each gets its
// Idempotency-Key when it is written, and keeps it through every try, so that a send the server stored but could
// not answer is not stored twice. While the server cannot be reached they wait, shown in the log as waiting
// (conversation-log.js), and go out one after the other once it is back: when the stream reconnects, or at the
// next try. A message the server refuses leaves the queue with a notice. No DOM here.
//
// Events: outbox (conversation name): its waiting messages changed · unsent {text, conv}: refused for good.

import { api, ApiError } from './api.js';
import { everyone } from './conversations.js';
import { state } from './state.js';

const firstDelayMs = 1000;
const maxDelayMs = 15_000;

/**
 * @typedef {{ key: string, conv: string, kind: 'direct'|'group'|'broadcast', text: string,
 *   replyTo?: {id: string, from: string, text: string}, state: 'sending'|'waiting' }} Outgoing
 * `replyTo`: the quote of the message it answers (replies.js), sent as its id.
 */

/** @type {Outgoing[]} oldest first */
let queue = [];
let flushing = false;
let timer;
let delayMs = firstDelayMs;

/** 128 random bits: crypto.randomUUID needs a secure context, which a server on a LAN address is not. */
function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The messages of a conversation still to be sent, oldest first. */
export const outgoingIn = (conv) => queue.filter((entry) => entry.conv === conv);

/** Queues a message to a conversation, perhaps a reply (`replyTo`, a quote), and starts sending. */
export function enqueue(conv, kind, text, replyTo) {
  // Behind one that waits for the server, it waits too.
  const entry = { key: newKey(), conv, kind, text, state: queue.length > 0 ? queue[0].state : 'sending' };
  if (replyTo) entry.replyTo = replyTo;
  queue.push(entry);
  state.emit('outbox', conv);
  void flush();
}

/** The server could not be reached, or could not take it now: worth another try. */
const retryable = (err) => err instanceof ApiError && (err.status === 0 || err.status === 429 || err.status >= 500);

function setState(entry, next) {
  if (entry.state === next) return;
  entry.state = next;
  state.emit('outbox', entry.conv);
}

async function sendOne(entry) {
  if (entry.kind === 'broadcast') {
    const { body } = await api.broadcast(entry.text, entry.key);
    return { id: body.id, sentAt: body.sentAt, to: everyone };
  }
  const { body } = await api.send(entry.conv, entry.text, entry.key, entry.replyTo?.id);
  return { id: body.id, sentAt: body.sentAt, to: body.to ?? entry.conv };
}

function settle(entry) {
  queue = queue.filter((e) => e !== entry);
  state.emit('outbox', entry.conv);
}

/** Sends what waits, in order; stops at the first message the server cannot take yet, and tries again later. */
async function flush() {
  if (flushing) return;
  flushing = true;
  clearTimeout(timer);
  try {
    while (queue.length > 0 && state.me) {
      const entry = queue[0];
      setState(entry, 'sending');
      let sent;
      try {
        sent = await sendOne(entry);
      } catch (err) {
        if (!queue.includes(entry)) continue;
        if (retryable(err)) {
          for (const waiting of queue) setState(waiting, 'waiting');
          timer = setTimeout(() => void flush(), delayMs);
          delayMs = Math.min(delayMs * 2, maxDelayMs);
          return;
        }
        settle(entry);
        refused(entry, err);
        continue;
      }
      delayMs = firstDelayMs;
      settle(entry);
      const msg = { id: sent.id, from: state.me, to: sent.to, kind: entry.kind, text: entry.text, sentAt: sent.sentAt };
      if (entry.kind === 'group') msg.group = sent.to;
      if (entry.replyTo) msg.replyTo = entry.replyTo;
      state.emit('sent', msg);
    }
  } finally {
    flushing = false;
  }
}

function refused(entry, err) {
  state.emit('unsent', { text: entry.text, conv: entry.conv });
  // The server does not say why (a block, say): only that the message was not taken.
  if (err instanceof ApiError && err.code === 'not_found' && entry.replyTo)
    state.emit('notice', {
      text: `The message from ${entry.replyTo.from} you answered was deleted: your reply was not sent.`,
      tone: 'error',
    });
  else if (err instanceof ApiError && err.code === 'not_accepted')
    state.emit('notice', {
      text:
        entry.kind === 'direct'
          ? `${entry.conv} is not accepting your messages: this one was not delivered.`
          : 'That was not accepted: the person it names is not taking messages or group invitations from you.',
      tone: 'error',
    });
  else state.emit('failed', err);
}

// The stream is back: so is the server, most likely.
state.on('connection', (s) => {
  if (s === 'connected' && queue.length > 0) {
    delayMs = firstDelayMs;
    void flush();
  }
});

// What was not sent goes with the session it was written in.
state.on('signed-out', () => {
  clearTimeout(timer);
  const convs = new Set(queue.map((e) => e.conv));
  queue = [];
  for (const conv of convs) state.emit('outbox', conv);
});
