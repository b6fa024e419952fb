import { expect } from 'vitest';
import { api, register, streamPath, type TestUser } from './api.js';
import { openSse, type SseEvent, type SseReader } from './sse.js';

let counter = 0;

/** Four new users named after `prefix`, for a test to take as many of as it needs. */
export async function people(baseUrl: string, prefix: string): Promise<[TestUser, TestUser, TestUser, TestUser]> {
  const k = ++counter;
  const [a, b, c, d] = await Promise.all([0, 1, 2, 3].map((i) => register(baseUrl, `${prefix}${k}x${i}`)));
  return [a!, b!, c!, d!];
}

/** The messages of a conversation's first page of history, as `reader` reads them. */
export async function historyOf(baseUrl: string, reader: TestUser, conversation: string) {
  const page = await api(baseUrl, 'GET', `/messages?with=${conversation}`, { token: reader.token });
  return page.body.messages as Record<string, unknown>[];
}

/** A group of `owner` and `members`, named after its owner. */
export async function groupOf(baseUrl: string, owner: TestUser, members: readonly TestUser[]): Promise<string> {
  const name = `${owner.name}team`;
  const made = await api(baseUrl, 'POST', '/groups', {
    token: owner.token,
    json: { name, members: members.map((m) => m.name) },
  });
  expect(made.status).toBe(201);
  return name;
}

/** `user`'s stream, from `lastEventId` when given. */
export function streamOf(baseUrl: string, user: TestUser, lastEventId?: string): Promise<SseReader> {
  return openSse(baseUrl + streamPath(user), {
    authorization: `Bearer ${user.token}`,
    ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
  });
}

/** Holds once a stream has had `n` events called `event`. */
export const countOf = (event: string, n: number) => (events: SseEvent[]) =>
  events.filter((e) => e.event === event).length >= n;
