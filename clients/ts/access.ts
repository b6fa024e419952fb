import { ParleyError, type ParleyClient, type Problem, type Schemas } from './client.js';

const failed = (response: Response, error: unknown) => new ParleyError(response.status, error as Problem | undefined);

/** The users the caller blocks, sorted by name. */
export async function listBlocks(client: ParleyClient): Promise<string[]> {
  const { data, error, response } = await client.GET('/account/blocks');
  if (!data) throw failed(response, error);
  return data.blocked;
}

/**
 * Blocks `name` (or, `blocked` false, unblocks them): their direct messages to the caller and their group adds
 * are refused with `not_accepted`; in groups both are in their messages still come, for the caller's client to
 * hide. Every stream of the caller hears a `blocks` change.
 */
export async function setBlocked(client: ParleyClient, name: string, blocked = true): Promise<void> {
  const params = { path: { name } };
  const { error, response } = blocked
    ? await client.PUT('/account/blocks/{name}', { params })
    : await client.DELETE('/account/blocks/{name}', { params });
  if (response.status !== 204) throw failed(response, error);
}

/**
 * An invite to sign up while sign-up is by invite (admins; members with --members-invite): good for `uses` (1
 * unless given) sign-ups, until `expiresInMs` from now if given. Its `url` opens the web page with the code in.
 */
export async function createInvite(
  client: ParleyClient,
  invite: Partial<Schemas['CreateInvite']> = {},
): Promise<Schemas['Invite']> {
  const { data, error, response } = await client.POST('/invites', { body: { uses: 1, ...invite } });
  if (!data) throw failed(response, error);
  return data;
}

/** Every invite for an admin, a member's own with --members-invite; oldest first. */
export async function listInvites(client: ParleyClient): Promise<Schemas['Invite'][]> {
  const { data, error, response } = await client.GET('/invites');
  if (!data) throw failed(response, error);
  return data.invites;
}

/** Revokes an invite: sign-ups with it are refused from then on. */
export async function deleteInvite(client: ParleyClient, code: string): Promise<void> {
  const { error, response } = await client.DELETE('/invites/{code}', { params: { path: { code } } });
  if (response.status !== 204) throw failed(response, error);
}

/** Every user with their role, state, sessions and last activity (admins; others get `not_admin`). */
export async function adminListUsers(client: ParleyClient): Promise<Schemas['AdminUser'][]> {
  const { data, error, response } = await client.GET('/admin/users');
  if (!data) throw failed(response, error);
  return data.users;
}

/** Makes an account whatever the registration mode (admins). */
export async function adminCreateUser(client: ParleyClient, name: string, password: string): Promise<string> {
  const { data, error, response } = await client.POST('/admin/users', { body: { name, password } });
  if (!data) throw failed(response, error);
  return data.name;
}

/**
 * Suspends a user (or, `suspended` false, restores them): their sessions end, their streams close with
 * `end: suspended`, and logging in answers `account_suspended` (admins; an admin is suspended by nobody).
 */
export async function setSuspended(client: ParleyClient, name: string, suspended = true): Promise<void> {
  const { error, response } = await client.PATCH('/admin/users/{name}', {
    params: { path: { name } },
    body: { suspended },
  });
  if (response.status !== 204) throw failed(response, error);
}

/** Takes back anyone's message (admins); the `deleted` change names the admin in `by`. */
export async function adminDeleteMessage(client: ParleyClient, id: string): Promise<void> {
  const { error, response } = await client.DELETE('/admin/messages/{id}', { params: { path: { id } } });
  if (response.status !== 204) throw failed(response, error);
}

/** Ends any group (admins); every member is told `ended`. */
export async function adminEndGroup(client: ParleyClient, name: string): Promise<void> {
  const { error, response } = await client.DELETE('/admin/groups/{name}', { params: { path: { name } } });
  if (response.status !== 204) throw failed(response, error);
}

/** Removes anyone from any group (admins). */
export async function adminRemoveMember(client: ParleyClient, group: string, user: string): Promise<void> {
  const { error, response } = await client.DELETE('/admin/groups/{name}/members/{user}', {
    params: { path: { name: group, user } },
  });
  if (response.status !== 204) throw failed(response, error);
}

/** What admins (and the operator) did, newest first; `before` pages back. */
export async function adminAudit(
  client: ParleyClient,
  query: { limit?: number; before?: string } = {},
): Promise<Schemas['AuditEntry'][]> {
  const { data, error, response } = await client.GET('/admin/audit', { params: { query } });
  if (!data) throw failed(response, error);
  return data.entries;
}
