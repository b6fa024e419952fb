import type { components } from '../generated/openapi.js';

export type Msgform = components['schemas']['Msgform'];
export type MessageKind = Msgform['kind'];

/** A message as accepted, before it is fanned out: one of these per send, whatever the number of recipients. */
export interface Message {
  /** Store-assigned; strictly increasing across the whole store, hence per recipient. */
  readonly id: number;
  readonly from: string;
  readonly kind: MessageKind;
  readonly group?: string;
  readonly text: string;
  /** Epoch milliseconds. */
  readonly sentAt: number;
}

/**
 * One msgform on one recipient's queue, kept in its serialised form: JSON is built once per message (the
 * shared tail) and once per recipient (the head), never per stream.
 */
export interface QueuedMsgform {
  readonly id: number;
  readonly sentAt: number;
  /** The msgform as one line of JSON. */
  readonly json: string;
  /** A transport's cached encoding of this entry (an SSE frame), written to every stream of the recipient. */
  wire?: string;
}

/** Serialises the recipient-independent part of a message once; `forRecipient` is then a concatenation. */
export class MsgformEncoder {
  private readonly head: string;
  private readonly tail: string;

  constructor(readonly message: Message) {
    const group = message.group === undefined ? '' : `"group":${JSON.stringify(message.group)},`;
    this.head = `{"id":"${message.id}","from":${JSON.stringify(message.from)},"to":`;
    this.tail =
      `${group}"kind":"${message.kind}","text":${JSON.stringify(message.text)},` +
      `"sentAt":"${new Date(message.sentAt).toISOString()}"}`;
  }

  forRecipient(to: string): QueuedMsgform {
    // Names match /^[a-z][a-z0-9_-]*$/, so they need no escaping inside quotes.
    return { id: this.message.id, sentAt: this.message.sentAt, json: `${this.head}"${to}",${this.tail}` };
  }
}

/** A message as one user sees it, as an object: the same fields, in the same order, as `MsgformEncoder` writes. */
export function msgformOf(message: Message, to: string): Msgform {
  const head = { id: String(message.id), from: message.from, to };
  const tail = { kind: message.kind, text: message.text, sentAt: new Date(message.sentAt).toISOString() };
  return message.group === undefined ? { ...head, ...tail } : { ...head, group: message.group, ...tail };
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
