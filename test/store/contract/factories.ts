import type { NewEvent, NewMessage, QueueRow, Store } from '../../../src/core/ports/index.js';

/** A direct message from alice, unless told otherwise. */
export function draft(recipients: readonly string[], overrides: Partial<NewMessage> = {}): NewMessage {
  return { from: 'alice', kind: 'direct', text: 'hello', sentAt: 1_000, recipients, ...overrides };
}

export const user = (name: string) => ({ name, passwordHash: `scrypt$${name}`, createdAt: 1 });
export const group = (name: string, members: string[]) => ({
  name,
  members,
  createdBy: members[0]!,
  createdAt: 2,
  owner: members[0]!,
  joined: {},
  left: {},
});
export const event = (type: NewEvent['type'], data: object, recipients: string[], at = 5_000): NewEvent => ({
  type,
  json: JSON.stringify(data),
  at,
  recipients,
});

/** The n-th session of a user, its token hash named after both. */
export const sessionOf = (username: string, n: number, createdAt = n) => ({
  tokenHash: `${username}-${n}`.padEnd(64, '0'),
  username,
  createdAt,
  expiresAt: 1_000,
  lastUsedAt: createdAt,
});

/** A message row's text, or an event row's data. */
export const textOf = (row: QueueRow) => ('text' in row ? row.text : row.json);

/** The rows `name` reads after `after`, without the page's pruned position. */
export async function rowsOf(store: Store, name: string, after = 0, limit = 100) {
  return (await store.readQueue(name, after, limit)).rows;
}

export async function idsOf(store: Store, name: string, after = 0, limit = 100) {
  return (await rowsOf(store, name, after, limit)).map((r) => r.id);
}

export async function cursorOf(store: Store, name: string) {
  return (await store.loadCursors()).find((c) => c.name === name);
}

/** Appends `n` messages to `to`, one after the other, with sentAt 1, 2, ... n (or as `sentAt` says). */
export async function fill(store: Store, to: string, n: number, sentAt = (i: number) => i + 1): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) ids.push(await store.appendMessage(draft([to], { text: `m${i}`, sentAt: sentAt(i) })));
  return ids;
}
