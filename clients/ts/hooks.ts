import { ParleyError, type ParleyClient, type Problem, type Schemas } from './client.js';

/**
 * Makes an incoming hook that posts to `to` (a user, a group the caller is in, or `broad`). The answer's `url`
 * is the only credential a sender needs, shown this once: give it to whatever posts (`postToHook`, Alertmanager,
 * Grafana, anything that speaks Slack's incoming webhooks).
 */
export async function createHook(client: ParleyClient, to: string, name?: string): Promise<Schemas['NewHook']> {
  const body = name === undefined ? { to } : { to, name };
  const { data, error, response } = await client.POST('/hooks', { body });
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data;
}

/** The caller's hooks, oldest first, each with when it was last used and its refusals in a row. */
export async function listHooks(client: ParleyClient): Promise<Schemas['Hook'][]> {
  const { data, error, response } = await client.GET('/hooks');
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data.hooks;
}

/** Deletes one of the caller's hooks; its URL answers `no_service` from then on. */
export async function deleteHook(client: ParleyClient, id: string): Promise<void> {
  const { error, response } = await client.DELETE('/hooks/{id}', { params: { path: { id } } });
  if (response.status !== 204) throw new ParleyError(response.status, error as Problem | undefined);
}

/**
 * Posts a Slack-format payload to a hook's URL, with no other credential. The message carries the bot mark and,
 * from `username`, a display name. A refusal throws a `ParleyError` whose code is Slack's word for it
 * (`invalid_token`, `no_service`, `invalid_payload`, `no_text`).
 */
export async function postToHook(url: string, payload: Schemas['SlackPayload']): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const type = response.headers.get('content-type') ?? '';
  const problem = type.includes('json') ? ((await response.json()) as Problem) : undefined;
  throw new ParleyError(response.status, problem);
}
