import { ParleyError, type ParleyClient, type Problem, type Schemas } from './client.js';

const failed = (response: Response, error: unknown) => new ParleyError(response.status, error as Problem | undefined);

/**
 * How much of a conversation (a user, a group the caller is in, or `broad`) the caller is told of when away:
 * `all`, only `mentions` of them, or `none`. Every stream of the caller hears a `notifications` change, and
 * `GET /conversations` and history carry the level from then on.
 */
export async function setNotificationLevel(
  client: ParleyClient,
  conversation: string,
  level: Schemas['NotifyLevel'],
): Promise<Schemas['NotificationsEvent']> {
  const { data, error, response } = await client.PUT('/conversations/{with}/notifications', {
    params: { path: { with: conversation } },
    body: { level },
  });
  if (!data) throw failed(response, error);
  return data;
}

const dateOf = (quiet: Schemas['QuietTime']) => (quiet.until === null ? null : new Date(quiet.until));

/** Until when nothing but direct messages is pushed to the caller; null when they are not quiet. */
export async function quietTime(client: ParleyClient): Promise<Date | null> {
  const { data, error, response } = await client.GET('/account/quiet');
  if (!data) throw failed(response, error);
  return dateOf(data);
}

/**
 * Quiet until `until` (at most a year ahead), or, null or a time passed, not quiet from now; answers what was
 * recorded. Every stream of the caller hears a `quiet` change.
 */
export async function setQuietTime(client: ParleyClient, until: Date | null): Promise<Date | null> {
  const { data, error, response } = await client.PUT('/account/quiet', {
    body: { until: until === null ? null : until.toISOString() },
  });
  if (!data) throw failed(response, error);
  return dateOf(data);
}

/** The server's VAPID public key, as `pushManager.subscribe` takes it for `applicationServerKey`. */
export async function pushKey(client: ParleyClient): Promise<string> {
  const { data, error, response } = await client.GET('/push/key');
  if (!data) throw failed(response, error);
  return data.publicKey;
}

/** The caller's push subscriptions, oldest first; `thisSession` marks those this client's session made. */
export async function pushSubscriptions(client: ParleyClient): Promise<Schemas['PushSubscription'][]> {
  const { data, error, response } = await client.GET('/push/subscriptions');
  if (!data) throw failed(response, error);
  return data.subscriptions;
}

/**
 * Pushes to a device while none of the caller's streams is open. `subscription` is what a browser's
 * `PushSubscription.toJSON()` gives; subscribing the same endpoint again answers the same subscription. Signing
 * this session out removes it.
 */
export async function subscribePush(
  client: ParleyClient,
  subscription: Schemas['PushSubscriptionRequest'],
): Promise<Schemas['PushSubscription']> {
  const { data, error, response } = await client.POST('/push/subscriptions', { body: subscription });
  if (!data) throw failed(response, error);
  return data;
}

/** Stops pushing to one of the caller's devices, by its id from `pushSubscriptions`. */
export async function deletePushSubscription(client: ParleyClient, id: string): Promise<void> {
  const { error, response } = await client.DELETE('/push/subscriptions/{id}', { params: { path: { id } } });
  if (response.status !== 204) throw failed(response, error);
}
