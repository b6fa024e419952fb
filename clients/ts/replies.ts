import { ParleyError, type ParleyClient, type Problem, type Schemas } from './client.js';

const failed = (response: Response, error: unknown) => new ParleyError(response.status, error as Problem | undefined);

/**
 * Answers message `replyTo` in the conversation `to` (the user or group it came in): every msgform of the reply
 * carries `replyTo`, a quote of the start of the original, which the original's deletion blanks.
 */
export async function reply(
  client: ParleyClient,
  to: string,
  text: string,
  replyTo: string,
): Promise<Schemas['Accepted']> {
  const { data, error, response } = await client.POST('/messages', { body: { to, text, replyTo } });
  if (!data) throw failed(response, error);
  return data;
}

/**
 * Reacts to message `id` with one emoji (or, `on` false, takes the reaction back); doing what is already so
 * changes nothing. Everyone who has the message hears a `reaction` change; history carries the counts.
 */
export async function setReaction(client: ParleyClient, id: string, emoji: string, on = true): Promise<void> {
  const params = { path: { id, emoji } };
  const { error, response } = on
    ? await client.PUT('/messages/{id}/reactions/{emoji}', { params })
    : await client.DELETE('/messages/{id}/reactions/{emoji}', { params });
  if (response.status !== 204) throw failed(response, error);
}
