// The server's REST API. The HttpOnly session cookie authenticates every call; the page never sees the token.

/** A failed call, carrying the problem+json document's `detail` as its message. */
export class ApiError extends Error {
  constructor(status, detail, code) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}

async function call(method, path, body, contentType = 'application/json', extraHeaders = {}) {
  const headers = { accept: 'application/json', ...extraHeaders };
  let payload;
  if (body !== undefined) {
    headers['content-type'] = contentType;
    payload = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.', 'network');
  }
  if (res.status === 204) return { status: 204, body: undefined };
  const type = res.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await res.json().catch(() => undefined) : undefined;
  if (!res.ok) {
    const detail =
      data && typeof data.detail === 'string' ? data.detail : `The server answered ${res.status} ${res.statusText}.`;
    throw new ApiError(res.status, detail, data && typeof data.code === 'string' ? data.code : undefined);
  }
  return { status: res.status, body: data };
}

const idempotency = (key) => (key === undefined ? {} : { 'idempotency-key': key });

export const api = {
  /** Registers a new name (with an invite code, if sign-up needs one) or logs in; the server sets the session cookie. */
  join: (username, password, invite) =>
    call('POST', '/sessions', invite ? { username, password, invite } : { username, password }),
  /** Whose session the cookie holds, if any: the page keeps no identity of its own. */
  whoami: () => call('GET', '/sessions/current'),
  exit: () => call('DELETE', '/sessions/current'),
  /** The devices signed in to this account, this one marked `current`. */
  sessions: () => call('GET', '/sessions'),
  revokeSession: (id) => call('DELETE', `/sessions/${encodeURIComponent(id)}`),
  /** Deletes the account for good, with its password; its sessions end. */
  deleteAccount: (password) => call('DELETE', '/account', { password }),
  /** Signs out every other device of the account; this one stays. */
  changePassword: (currentPassword, newPassword) => call('PUT', '/account/password', { currentPassword, newPassword }),
  users: () => call('GET', '/users'),
  groups: () => call('GET', '/groups'),
  /** The caller's conversations, most recent first, each with its last message and unread count. */
  conversations: () => call('GET', '/conversations'),
  /** One page of a conversation, oldest first: the newest page, or the one before the id `before`. */
  history: (withName, { before, limit } = {}) => {
    const query = new URLSearchParams({ with: withName });
    if (before !== undefined) query.set('before', before);
    if (limit !== undefined) query.set('limit', String(limit));
    return call('GET', `/messages?${query}`);
  },
  /** Messages the user may read that hold every word of `q`, newest first; `cursor` goes on where a page stopped. */
  search: (q, { cursor, limit } = {}) => {
    const query = new URLSearchParams({ q });
    if (cursor !== undefined) query.set('cursor', cursor);
    if (limit !== undefined) query.set('limit', String(limit));
    return call('GET', `/search?${query}`);
  },
  /** Marks a conversation read up to a message id, for every device of the user. */
  markRead: (withName, upTo) => call('PUT', `/conversations/${encodeURIComponent(withName)}/read`, { upTo }),
  /**
   * With an Idempotency-Key, a second try of the same message answers the first one instead of storing another.
   * `replyTo`: the id of the message of the same conversation it answers, which the server quotes (left out of
   * the body when undefined).
   */
  send: (to, text, key, replyTo) => call('POST', '/messages', { to, text, replyTo }, undefined, idempotency(key)),
  broadcast: (text, key) => call('POST', '/broadcast', { text }, undefined, idempotency(key)),
  createGroup: (name, members) => call('POST', '/groups', { name, members }),
  group: (name) => call('GET', `/groups/${encodeURIComponent(name)}`),
  addMembers: (name, members) => call('POST', `/groups/${encodeURIComponent(name)}/members`, { members }),
  /** The owner removes a member; naming oneself leaves. */
  removeMember: (name, user) =>
    call('DELETE', `/groups/${encodeURIComponent(name)}/members/${encodeURIComponent(user)}`),
  editMessage: (id, text) => call('PATCH', `/messages/${encodeURIComponent(id)}`, { text }),
  deleteMessage: (id) => call('DELETE', `/messages/${encodeURIComponent(id)}`),
  /** Adds (`on`) or takes back the user's reaction with one emoji; either is idempotent. */
  react: (id, emoji, on) =>
    call(on ? 'PUT' : 'DELETE', `/messages/${encodeURIComponent(id)}/reactions/${encodeURIComponent(emoji)}`),
  /** The user's incoming hooks, oldest first; their URLs are shown only when made. */
  hooks: () => call('GET', '/hooks'),
  /** An incoming hook posting to `to` (a person, a group or `broad`); the answer carries its URL, this once. */
  createHook: (to, name) => call('POST', '/hooks', name ? { to, name } : { to }),
  deleteHook: (id) => call('DELETE', `/hooks/${encodeURIComponent(id)}`),
  /** The bots the user owns, without their webhooks' state. */
  bots: () => call('GET', '/bots'),
  /** One of the user's bots, with its webhook's state. */
  bot: (name) => call('GET', `/bots/${encodeURIComponent(name)}`),
  /** The names the user blocks: their direct messages are refused, their group messages hidden here. */
  blocks: () => call('GET', '/account/blocks'),
  block: (name) => call('PUT', `/account/blocks/${encodeURIComponent(name)}`),
  unblock: (name) => call('DELETE', `/account/blocks/${encodeURIComponent(name)}`),
  /** Every user with role, state, sessions and last activity; 403 not_admin for anyone but an admin. */
  adminUsers: () => call('GET', '/admin/users'),
  suspend: (name, suspended) => call('PATCH', `/admin/users/${encodeURIComponent(name)}`, { suspended }),
  invites: () => call('GET', '/invites'),
  /** `{uses, expiresInMs, note}`, each optional. */
  createInvite: (invite) => call('POST', '/invites', invite),
  deleteInvite: (code) => call('DELETE', `/invites/${encodeURIComponent(code)}`),
  /** What admins did, newest first. */
  audit: () => call('GET', '/admin/audit'),
  /** How much of a conversation to be told of when away: `all`, `mentions` or `none`, for every device. */
  setNotifications: (withName, level) =>
    call('PUT', `/conversations/${encodeURIComponent(withName)}/notifications`, { level }),
  /** `{until}`: the end of the quiet time (an ISO date), or null when not quiet. */
  quiet: () => call('GET', '/account/quiet'),
  setQuiet: (until) => call('PUT', '/account/quiet', { until }),
  /** The server's VAPID public key, for `pushManager.subscribe`. */
  pushKey: () => call('GET', '/push/key'),
  /** Takes `PushSubscription.toJSON()`; the same endpoint again answers the same subscription. */
  subscribePush: (subscription) => call('POST', '/push/subscriptions', subscription),
  pushSubscriptions: () => call('GET', '/push/subscriptions'),
  unsubscribePush: (id) => call('DELETE', `/push/subscriptions/${encodeURIComponent(id)}`),
  /** One line of the original command language. */
  command: (line) => call('POST', '/commands', line, 'text/plain; charset=utf-8'),
};
