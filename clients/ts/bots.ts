import { ParleyError, type ParleyClient, type Problem, type Schemas } from './client.js';

const path = (name: string) => ({ params: { path: { name } } });

/**
 * Makes a bot account owned by the caller. Its token, in the answer, is shown this once and never expires;
 * `createParleyClient(baseUrl, bot.token)` acts as the bot. A bot cannot log in with a password.
 */
export async function createBot(client: ParleyClient, name: string): Promise<Schemas['NewBot']> {
  const { data, error, response } = await client.POST('/bots', { body: { name } });
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data;
}

/** The bots the caller owns, by name, without their webhooks' state (`getBot` has it). */
export async function listBots(client: ParleyClient): Promise<Schemas['Bot'][]> {
  const { data, error, response } = await client.GET('/bots');
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data.bots;
}

/** One of the caller's bots, with where its webhook stands (position acknowledged, events waiting, errors). */
export async function getBot(client: ParleyClient, name: string): Promise<Schemas['Bot']> {
  const { data, error, response } = await client.GET('/bots/{name}', path(name));
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data;
}

/** A new token for the bot, shown this once; the old one stops working at once. */
export async function rotateBotToken(client: ParleyClient, name: string): Promise<string> {
  const { data, error, response } = await client.POST('/bots/{name}/token', path(name));
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data.token;
}

/** Deletes one of the caller's bots, with its token, hooks and webhook. */
export async function deleteBot(client: ParleyClient, name: string): Promise<void> {
  const { error, response } = await client.DELETE('/bots/{name}', path(name));
  if (response.status !== 204) throw new ParleyError(response.status, error as Problem | undefined);
}

/**
 * Posts every event of the bot's stream to `url`, signed as Standard Webhooks says with the secret answered
 * here, once (`whsec_...`); setting it again gives a new secret and keeps the position.
 */
export async function setBotWebhook(
  client: ParleyClient,
  name: string,
  url: string,
): Promise<Schemas['WebhookSecret']> {
  const { data, error, response } = await client.PUT('/bots/{name}/webhook', { ...path(name), body: { url } });
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data;
}

/** Stops posting the bot's events. */
export async function deleteBotWebhook(client: ParleyClient, name: string): Promise<void> {
  const { error, response } = await client.DELETE('/bots/{name}/webhook', path(name));
  if (response.status !== 204) throw new ParleyError(response.status, error as Problem | undefined);
}
