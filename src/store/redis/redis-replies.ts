// Replies of the Redis scripts, read into the store's records.
import type { EventType, Message, MessageKind } from '../../core/msgform.js';
import type { NewEvent, QueueRow } from '../../core/ports/index.js';

export const rowFields = 14;

/** A script's reply: strings, and a nil reply (null) where a display name or a quoted text is absent. */
export type Reply = readonly (string | null)[];

/**
 * Fourteen fields of a message as the scripts return it (see push_row): id or sender first, as the script says;
 * the display name is null for none, the mentions a JSON list or '' for none, and the last three the quote of a
 * reply (see quoteOf).
 */
export type FourteenFields = [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string,
  string | null,
  string,
  string,
  string,
  string | null,
];

/** Rows of fourteen fields (see push_row in the scripts) from `start` on, read by one recipient. */
export function toRows(reply: Reply, start: number, to: string): QueueRow[] {
  const out: QueueRow[] = [];
  for (let i = start; i + rowFields - 1 < reply.length; i += rowFields) {
    const fields = reply.slice(i, i + rowFields) as FourteenFields;
    const [id, from, kind, group, text, sentAt, editedAt, deleted, bot, displayName, mentions] = fields;
    if (kind === 'event') out.push({ id: Number(id), type: group as EventType, json: text, at: Number(sentAt), to });
    else {
      const message = messageOf(id, from, kind as MessageKind, group, text, sentAt, editedAt, deleted);
      const marks = { ...senderMarks(bot, displayName), ...mentionsOf(mentions), ...quoteOf(...quoteFields(fields)) };
      out.push({ ...message, ...marks, to });
    }
  }
  return out;
}

/** The last three of a message's fourteen fields: what a reply answers. */
export function quoteFields(fields: FourteenFields): [string, string, string | null] {
  return [fields[11], fields[12], fields[13]];
}

/**
 * A reply's quote as the scripts keep it (the id it answers, '' for a message that answers none; its sender; the
 * quoted text, null once the original was deleted), as a field only for a reply.
 */
export function quoteOf(id: string, from: string, text: string | null): Pick<Message, 'replyTo'> {
  if (id === '') return {};
  return {
    replyTo: text === null ? { id: Number(id), from, text: '', deleted: true } : { id: Number(id), from, text },
  };
}

/** A message's bot mark ('1') and display name (null for none), as fields only when set. */
export function senderMarks(bot: string, displayName: string | null): Pick<Message, 'bot' | 'displayName'> {
  return { ...(bot === '1' ? { bot: true } : {}), ...(displayName === null ? {} : { displayName }) };
}

/** A message's mentions as the scripts keep them (a JSON list, '' for none), as a field only when there are some. */
export function mentionsOf(json: string): Pick<Message, 'mentions'> {
  return json === '' ? {} : { mentions: JSON.parse(json) as string[] };
}

/** Messages of fourteen fields from `start` on (a conversation holds no events). */
export function toMessages(reply: Reply, start: number): Message[] {
  return toRows(reply, start, '').map(({ to: _, ...message }) => message as Message);
}

export function messageOf(
  id: string,
  from: string,
  kind: MessageKind,
  group: string,
  text: string,
  sentAt: string,
  editedAt: string,
  deleted: string,
): Message {
  return {
    id: Number(id),
    from,
    kind,
    text,
    sentAt: Number(sentAt),
    ...(group === '' ? {} : { group }),
    ...(editedAt === '' ? {} : { editedAt: Number(editedAt) }),
    ...(deleted === '1' ? { deleted: true } : {}),
  };
}

/** An event's script arguments: its data, when, and its recipients; none without an event. */
export function eventArgs(event: NewEvent | undefined): (string | number)[] {
  return event ? [event.json, event.at, ...event.recipients] : [];
}

/** A script's id reply; -1 (nothing written) is undefined. */
export function idOrUndefined(reply: unknown): number | undefined {
  const id = Number(reply);
  return id < 0 ? undefined : id;
}

/** appendMessage's refusal: {'full', names...}. */
export function isFull(reply: unknown): boolean {
  return Array.isArray(reply) && reply[0] === 'full';
}

/** append-message's answer when the sender's session it was to check has ended. */
export function isRefused(reply: unknown): boolean {
  return Array.isArray(reply) && reply[0] === 'unauthorized';
}

/** HGETALL's RESP2 reply, field after value, as entries. */
export function pairs(reply: unknown): [string, string][] {
  const list = reply as string[];
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < list.length; i += 2) out.push([list[i]!, list[i + 1]!]);
  return out;
}

export function byCreation(a: { name: string; createdAt: number }, b: { name: string; createdAt: number }): number {
  return a.createdAt - b.createdAt || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}
