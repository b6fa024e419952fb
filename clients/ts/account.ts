import { ParleyError, type ParleyClient, type Problem, type Schemas } from './client.js';

/** The caller's sessions (devices), oldest first; `current` marks the one this client uses. */
export async function listSessions(client: ParleyClient): Promise<Schemas['SessionEntry'][]> {
  const { data, error, response } = await client.GET('/sessions');
  if (!data) throw new ParleyError(response.status, error as Problem | undefined);
  return data.sessions;
}

/** Signs one of the caller's sessions out, by its id from `listSessions`; its streams end with `end: revoked`. */
export async function revokeSession(client: ParleyClient, id: string): Promise<void> {
  const { error, response } = await client.DELETE('/sessions/{id}', { params: { path: { id } } });
  if (response.status !== 204) throw new ParleyError(response.status, error as Problem | undefined);
}

/** Changes the caller's password; every other session of theirs is signed out, this one stays. */
export async function changePassword(
  client: ParleyClient,
  currentPassword: string,
  newPassword: string,
): Promise<void> {
  const { error, response } = await client.PUT('/account/password', { body: { currentPassword, newPassword } });
  if (response.status !== 204) throw new ParleyError(response.status, error as Problem | undefined);
}

/** Deletes the caller's account (as the operator's delete-user does); every session of it ends. */
export async function deleteAccount(client: ParleyClient, password: string): Promise<void> {
  const { error, response } = await client.DELETE('/account', { body: { password } });
  if (response.status !== 204) throw new ParleyError(response.status, error as Problem | undefined);
}
