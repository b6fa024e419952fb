// Replies of the Redis scripts, read into the store's records.
import type { EventType, Message, MessageKind } from '../../core/msgform.js';
import type { NewEvent, QueueRow } from '../../core/ports/index.js';

const rowFields = 11;

/** A script's reply: strings, and a nil reply (null) where a display name is absent. */
export type Reply = readonly (string | null)[];

/**
 * Eleven fields of a message as the scripts return it (see push_row): id or sender first, as the script says; the
 * display name is null for none, the mentions, last, a JSON list or '' for none.
 */
export type ElevenFields = [
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
];

/** Rows of eleven fields (see push_row in the scripts) from `start` on, read by one recipient. */
export function toRows(reply: Reply, start: number, to: string): QueueRow[] {
  const out: QueueRow[] = [];
  for (let i = start; i + rowFields - 1 < reply.length; i += rowFields) {
    const [id, from, kind, group, text, sentAt, editedAt, deleted, bot, displayName, mentions] = reply.slice(
      i,
      i + rowFields,
    ) as ElevenFields;
    if (kind === 'event') out.push({ id: Number(id), type: group as EventType, json: text, at: Number(sentAt), to });
    else {
      const message = messageOf(id, from, kind as MessageKind, group, text, sentAt, editedAt, deleted);
      out.push({ ...message, ...senderMarks(bot, displayName), ...mentionsOf(mentions), to });
    }
  }
  return out;
}

/** A message's bot mark ('1') and display name (null for none), as fields only when set. */
export function senderMarks(bot: string, displayName: string | null): Pick<Message, 'bot' | 'displayName'> {
  return { ...(bot === '1' ? { bot: true } : {}), ...(displayName === null ? {} : { displayName }) };
}

/** A message's mentions as the scripts keep them (a JSON list, '' for none), as a field only when there are some. */
export function mentionsOf(json: string): Pick<Message, 'mentions'> {
  return json === '' ? {} : { mentions: JSON.parse(json) as string[] };
}

/** Messages of eleven fields from `start` on (a conversation holds no events). */
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
