import { MsgformEncoder } from '../msgform.js';
import { isEventRow, type QueueRow } from '../ports/index.js';

/**
 * The body of a webhook post for one row of a bot's queue: `{type, id, data}`, where `data` is what the bot's
 * stream would carry for it (the msgform of a message, the data of an event), in the same serialised form.
 */
export function webhookBody(row: QueueRow): string {
  if (isEventRow(row)) return `{"type":"${row.type}","id":"${row.id}","data":${row.json}}`;
  return `{"type":"message","id":"${row.id}","data":${new MsgformEncoder(row).forRecipient(row.to).json}}`;
}

/** The body of a `lost` post: the `data` of the stream's `lost` event (see LostEvent in openapi.yaml). */
export function lostBody(id: string, data: { reason: string; after: string; through?: string }): string {
  return `{"type":"lost","id":"${id}","data":${JSON.stringify(data)}}`;
}

/** Where a bot's reply to a message goes: the group it came in, else back to its sender. */
export function replyTarget(row: QueueRow): string | undefined {
  if (isEventRow(row) || row.deleted) return undefined;
  return row.kind === 'group' ? row.group : row.from;
}
