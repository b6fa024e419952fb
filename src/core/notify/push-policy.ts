import type { NotifyLevel, PushUrgency, QueuedMessage } from '../ports/index.js';
import { excerptOf } from '../excerpt.js';
import { levelOf } from './levels.js';

/** What a user asked to be told of when away, as one device's loop keeps it. */
export interface NotifyPrefs {
  readonly levels: ReadonlyMap<string, NotifyLevel>;
  /** Epoch ms; nothing but direct messages is pushed for messages sent before it. */
  readonly quietUntil: number;
}

/** A message worth a push: which conversation to open, and whether it calls the receiver. */
export interface PushWorthy {
  readonly with: string;
  readonly mention: boolean;
}

/** The conversation a message received belongs to, as its receiver names it. */
export function conversationOf(message: QueuedMessage): string {
  if (message.kind === 'direct') return message.from;
  return message.kind === 'group' ? message.group! : 'broad';
}

/**
 * Whether `user` wants to be told of `message` (by level, mention and quiet time), and as what. Quiet time holds
 * back everything but direct messages, mentions included: that is what do-not-disturb means on a phone.
 */
export function pushWorthy(message: QueuedMessage, user: string, prefs: NotifyPrefs): PushWorthy | undefined {
  if (message.deleted || message.from === user) return undefined;
  if (message.kind !== 'direct' && prefs.quietUntil > message.sentAt) return undefined;
  const mention =
    message.kind === 'group' && (message.mentions?.includes(user) || message.mentions?.includes('everyone')) === true;
  const withName = conversationOf(message);
  const level = levelOf(prefs.levels, message.kind, withName);
  if (level === 'all' || (level === 'mentions' && mention)) return { with: withName, mention };
  return undefined;
}

/** A person writing to you, or calling you, is worth waking a phone for; a group's chatter less; a broadcast least. */
export function urgencyOf(message: QueuedMessage, worthy: PushWorthy): PushUrgency {
  if (message.kind === 'direct' || worthy.mention) return 'high';
  return message.kind === 'group' ? 'normal' : 'low';
}

/** Characters of the text a push carries at most (a notification shows about two lines). */
const excerptLength = 140;

/**
 * The push's payload (PushPayload in openapi.yaml): small, since a push service takes about 4 KB and a phone shows
 * two lines. Without `content`, no text at all: the push service and the phone's maker never see it.
 */
export function pushPayload(message: QueuedMessage, worthy: PushWorthy, content: boolean): string {
  const text = excerptOf(message.text, excerptLength);
  return JSON.stringify({
    id: String(message.id),
    from: message.from,
    kind: message.kind,
    with: worthy.with,
    ...(content ? { text } : {}),
    mention: worthy.mention,
    sentAt: new Date(message.sentAt).toISOString(),
  });
}
