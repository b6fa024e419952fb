import { ChatError } from '../errors.js';

// Opaque to clients, so that what it holds may change: today a position, below which the next page looks.
const prefix = 'p';

/** The cursor of the page that continues below `id`. */
export function encodeCursor(id: number): string {
  return Buffer.from(`${prefix}${id}`, 'latin1').toString('base64url');
}

/** The position a cursor continues below; invalid_request naming `field` for anything not made by encodeCursor. */
export function decodeCursor(cursor: string, field: string): number {
  const text = /^[A-Za-z0-9_-]{1,32}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('latin1') : '';
  const id = /^p[1-9][0-9]{0,15}$/.test(text) ? Number(text.slice(prefix.length)) : NaN;
  if (!Number.isSafeInteger(id)) {
    throw new ChatError('invalid_request', `${field}: is not a cursor this server gave`, field);
  }
  return id;
}
