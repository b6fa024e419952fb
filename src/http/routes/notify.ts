import type { Router } from 'express';
import type { components } from '../../generated/openapi.js';
import { ChatError } from '../../core/errors.js';
import { maxQuietMs } from '../../core/notify/notify-settings.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { jsonBody, validate } from '../validate.js';

/** Being told when away: levels per conversation, quiet time, the VAPID key and the caller's push subscriptions. */
export function notifyRoutes(router: Router, deps: HttpDeps): void {
  const { accounts, notifySettings, pushSubscriptions, schemas } = deps;
  router
    .put('/conversations/:with/notifications', requireActor(accounts), async (req, res) => {
      const peer = validate(schemas.name, req.params.with, 'path.with');
      const { level } = validate(schemas.notificationSetting, jsonBody(req), 'body');
      const body: components['schemas']['NotificationsEvent'] = await notifySettings.setLevel(
        actorOf(res),
        peer,
        level,
      );
      res.json(body);
    })
    .get('/account/quiet', requireActor(accounts), async (_req, res) => {
      const body: components['schemas']['QuietTime'] = await notifySettings.quiet(actorOf(res));
      res.json(body);
    })
    .put('/account/quiet', requireActor(accounts), async (req, res) => {
      const { until } = validate(schemas.quietTime, jsonBody(req), 'body');
      const at = until === null ? 0 : Date.parse(until);
      if (at - Date.now() > maxQuietMs) {
        throw new ChatError('invalid_request', 'quiet time reaches at most a year ahead', 'body.until');
      }
      // A time already past ends quiet time, as null does.
      const body: components['schemas']['QuietTime'] = await notifySettings.setQuiet(
        actorOf(res),
        at > Date.now() ? at : 0,
      );
      res.json(body);
    })
    .get('/push/key', (_req, res) => {
      const body: components['schemas']['PushKey'] = { publicKey: pushSubscriptions.publicKey };
      res.json(body);
    })
    .get('/push/subscriptions', requireActor(accounts), async (_req, res) => {
      const body: components['schemas']['PushSubscriptionList'] = {
        subscriptions: await pushSubscriptions.list(actorOf(res)),
      };
      res.json(body);
    })
    .post('/push/subscriptions', requireActor(accounts), async (req, res) => {
      const { endpoint, keys } = validate(schemas.pushSubscription, jsonBody(req), 'body');
      const { view, created } = await pushSubscriptions.subscribe(actorOf(res), { endpoint, ...keys });
      const body: components['schemas']['PushSubscription'] = view;
      res.status(created ? 201 : 200).json(body);
    })
    .delete('/push/subscriptions/:id', requireActor(accounts), async (req, res) => {
      const id = validate(schemas.pushSubscriptionId, req.params.id, 'path.id');
      await pushSubscriptions.delete(actorOf(res), id);
      res.status(204).end();
    });
}
