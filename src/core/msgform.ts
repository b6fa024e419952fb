import type { components } from '../generated/openapi.js';

export type Msgform = components['schemas']['Msgform'];
/** A message its sender deleted: everything but the text. */
export type Tombstone = components['schemas']['Tombstone'];
/** A message as history and the stream show it. */
export type MessageView = Msgform | Tombstone;
export type MessageKind = Msgform['kind'];

/** A message as accepted, before it is fanned out: one of these per send, whatever the number of recipients. */
export interface Message {
  /** Store-assigned; strictly increasing across the whole store, hence per recipient. */
  readonly id: number;
  readonly from: string;
  /** Sent by a bot, or through an incoming webhook: the stream and the page mark it. */
  readonly bot?: true;
  /** The name a webhook's payload asked to show (Slack's `username`), at most 80 characters. */
  readonly displayName?: string;
  readonly kind: MessageKind;
  readonly group?: string;
  readonly text: string;
  /** Epoch milliseconds. */
  readonly sentAt: number;
  /** When the sender last edited the text (epoch ms). */
  readonly editedAt?: number;
  /** Taken back by its sender: the text is gone (empty here) and the message shows as a tombstone. */
  readonly deleted?: boolean;
  /**
   * The members a group message calls with `@name` (canonical, each once), and `everyone` for `@everyone`; read
   * from the text when it was sent (see mentionsIn), absent when none.
   */
  readonly mentions?: readonly string[];
  /** The message this one answers, as it was when this one was sent (see ReplyQuote). */
  readonly replyTo?: ReplyQuote;
}

/**
 * What a reply keeps of the message it answers: stored with the reply, so that showing it costs no read of the
 * original (which retention may have removed). Blanked in the store when the original is deleted.
 */
export interface ReplyQuote {
  readonly id: number;
  readonly from: string;
  /** The start of the original's text (see excerptOf); '' once the original was deleted. */
  readonly text: string;
  readonly deleted?: true;
}

/** What a change to delivered state is called on the stream (its SSE event name). */
export type EventType = 'group' | 'edited' | 'deleted' | 'reaction' | 'read' | 'blocks' | 'notifications' | 'quiet';

/** A stored event: see `NewEvent` in src/store/store.ts. */
export interface StoredEvent {
  readonly id: number;
  readonly type: EventType;
  readonly json: string;
  /** Epoch milliseconds. */
  readonly at: number;
}

/**
 * One msgform on one recipient's queue, kept in its serialised form: JSON is built once per message (the
 * shared parts) and joined per recipient only when something reads `json`, never per stream.
 */
export interface QueuedMsgform {
  readonly id: number;
  readonly sentAt: number;
  /** The msgform as one line of JSON. */
  readonly json: string;
  /** Absent for a message; for an event, its SSE event name (`json` is then the event's data). */
  readonly type?: EventType;
  /**
   * For a message: the parts of its JSON every recipient shares, and this recipient (`to`). A transport that
   * encodes the shared parts once can write the same bytes to every stream, with only `to` its own.
   */
  readonly shared?: SharedMsgform;
  readonly to?: string;
  /** A transport's cached encoding of this entry (an SSE frame), written to every stream of the recipient. */
  wire?: Uint8Array;
}

/**
 * What one message's msgform is for every recipient: its JSON is `head`, the recipient as a JSON string, a
 * comma, then `tail`. Built once per message, whatever the number of recipients.
 */
export interface SharedMsgform {
  readonly id: number;
  readonly head: string;
  readonly tail: string;
  /** A transport's cached encoding of what comes before and after the recipient (the two halves of an SSE frame). */
  wire?: readonly [Uint8Array, Uint8Array];
}

/** A message on one recipient's queue: the shared parts and the recipient, joined only if `json` is read. */
class RecipientMsgform implements QueuedMsgform {
  constructor(
    readonly shared: SharedMsgform,
    readonly sentAt: number,
    readonly to: string,
  ) {}

  get id(): number {
    return this.shared.id;
  }

  get json(): string {
    // Names match /^[a-z][a-z0-9_-]*$/, so they need no escaping inside quotes.
    return `${this.shared.head}"${this.to}",${this.shared.tail}`;
  }
}

/** Serialises the recipient-independent part of a message once; `forRecipient` then only names the recipient. */
export class MsgformEncoder {
  private readonly shared: SharedMsgform;

  constructor(readonly message: Message) {
    const group = message.group === undefined ? '' : `"group":${JSON.stringify(message.group)},`;
    const head = `{"id":"${message.id}","from":${JSON.stringify(message.from)},${senderMarks(message)}"to":`;
    const sentAt = `"sentAt":"${new Date(message.sentAt).toISOString()}"`;
    if (message.deleted) {
      this.shared = {
        id: message.id,
        head,
        tail: `${group}"kind":"${message.kind}",${sentAt},"deleted":true}`,
        wire: undefined,
      };
      return;
    }
    const editedAt = message.editedAt === undefined ? '' : `,"editedAt":"${new Date(message.editedAt).toISOString()}"`;
    const mentions = message.mentions?.length ? `,"mentions":${JSON.stringify(message.mentions)}` : '';
    const replyTo = message.replyTo ? `,"replyTo":${JSON.stringify(quoteView(message.replyTo))}` : '';
    const tail =
      `${group}"kind":"${message.kind}","text":${JSON.stringify(message.text)},${sentAt}${editedAt}${mentions}` +
      `${replyTo}}`;
    // `wire` from the start: every message then has one shape, however its transport fills it.
    this.shared = { id: message.id, head, tail, wire: undefined };
  }

  forRecipient(to: string): QueuedMsgform {
    return new RecipientMsgform(this.shared, this.message.sentAt, to);
  }
}

/** The bot mark and display name, as the encoder writes them after `from` (each with its trailing comma). */
function senderMarks(message: Message): string {
  const bot = message.bot ? '"bot":true,' : '';
  return message.displayName === undefined ? bot : `${bot}"displayName":${JSON.stringify(message.displayName)},`;
}

/** A message as one user sees it, as an object: the same fields, in the same order, as `MsgformEncoder` writes. */
export function msgformOf(message: Message, to: string): MessageView {
  const head = {
    id: String(message.id),
    from: message.from,
    ...(message.bot ? { bot: true as const } : {}),
    ...(message.displayName === undefined ? {} : { displayName: message.displayName }),
    to,
    ...(message.group === undefined ? {} : { group: message.group }),
  };
  const sentAt = new Date(message.sentAt).toISOString();
  if (message.deleted) return { ...head, kind: message.kind, sentAt, deleted: true };
  const edited = message.editedAt === undefined ? {} : { editedAt: new Date(message.editedAt).toISOString() };
  const mentions = message.mentions?.length ? { mentions: [...message.mentions] } : {};
  const replyTo = message.replyTo ? { replyTo: quoteView(message.replyTo) } : {};
  return { ...head, kind: message.kind, text: message.text, sentAt, ...edited, ...mentions, ...replyTo };
}

/** A reply's quote as msgforms show it: the text while the original stands, `deleted` once it is gone. */
function quoteView(quote: ReplyQuote): components['schemas']['ReplyQuote'] {
  const head = { id: String(quote.id), from: quote.from };
  return quote.deleted ? { ...head, deleted: true } : { ...head, text: quote.text };
}

/**
 * Who a message is addressed to in `reader`'s view: the recipient of a direct message; the reader for a group
 * message or broadcast they received; the group, or `broad`, for one they sent.
 */
export function addressedTo(message: Message, reader: string, directRecipient: string): string {
  if (message.kind === 'direct') return directRecipient;
  if (message.from !== reader) return reader;
  return message.kind === 'group' ? message.group! : 'broad';
}
