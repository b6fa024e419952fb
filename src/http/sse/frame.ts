import type { EventType } from '../../core/msgform.js';

/**
 * Server-Sent Events framing, safe by construction: event names are a closed set, ids are digits, and data is
 * JSON on one line (JSON.stringify escapes CR and LF), so no text can end a field or forge an event.
 */
export type EventName = 'message' | 'sent' | 'presence' | 'lost' | EventType;

const lineBreak = /[\r\n]/;

export function eventFrame(event: EventName, json: string, id?: number): string {
  if (lineBreak.test(json)) throw new Error('SSE data must be one line of JSON');
  const idField = id === undefined ? '' : `id: ${Math.trunc(id)}\n`;
  return `${idField}event: ${event}\ndata: ${json}\n\n`;
}

/**
 * A message frame in three parts, for a msgform whose JSON is `head`, the recipient as a JSON string, a comma,
 * then `tail` (see SharedMsgform): the part before the recipient and the part after it, both the same for every
 * recipient, so that the same bytes can go to every stream. `recipientPart` is what goes between them.
 */
export function messageFrameAround(id: number, head: string, tail: string): [string, string] {
  if (lineBreak.test(head) || lineBreak.test(tail)) throw new Error('SSE data must be one line of JSON');
  return [`id: ${Math.trunc(id)}\nevent: message\ndata: ${head}"`, `",${tail}\n\n`];
}

const plainName = /^[a-z][a-z0-9_-]*$/;

/** A recipient between the parts of `messageFrameAround`, or undefined for one that would need escaping. */
export function recipientPart(to: string): string | undefined {
  return plainName.test(to) ? to : undefined;
}

/** A comment line: ignored by clients, keeps proxies and idle timers from closing the connection. */
export function commentFrame(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

export function retryFrame(ms: number): string {
  return `retry: ${Math.trunc(ms)}\n\n`;
}
