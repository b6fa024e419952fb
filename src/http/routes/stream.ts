import type { Router } from 'express';
import { ChatError } from '../../core/errors.js';
import type { StreamSession } from '../../core/delivery/stream-session.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { SseStreamWriter } from '../sse/stream-writer.js';
import { validate } from '../validate.js';

/** GET /users/{name}/stream: the user's queue as Server-Sent Events. */
export function streamRoutes(router: Router, { accounts, delivery, schemas, limits, draining, log }: HttpDeps): void {
  router.get('/users/:name/stream', requireActor(accounts), async (req, res) => {
    const actor = actorOf(res);
    const name = validate(schemas.name, req.params.name, 'path.name').toLowerCase();
    if (name !== actor.name)
      throw new ChatError('forbidden', `you may open only your own stream, /users/${actor.name}/stream`, 'path.name');
    const resumeAfter = resumePosition(schemas.messageId, req.get('last-event-id'), req.query.lastEventId);
    const presence = flag(schemas.flag, req.query.presence, 'query.presence');
    const sent = flag(schemas.flag, req.query.sent, 'query.sent');
    if (draining()) throw new ChatError('unavailable', 'the server is shutting down; reconnect shortly');
    // Counted over every process before the 200 goes out; on one process, no await may come between.
    const admitted = delivery.admit(actor.name);
    if (admitted) await admitted;

    const sink = new SseStreamWriter(res, limits.retryMs);
    let session: StreamSession | undefined;
    let gone = false;
    res.on('close', () => {
      gone = true;
      if (session) delivery.close(session);
    });
    try {
      session = await delivery.open(actor.name, actor.sessionId, sink, { resumeAfter, presence, sent });
    } catch (err) {
      log.error({ err, user: actor.name }, 'stream failed to open');
      res.destroy();
      return;
    }
    if (gone) delivery.close(session);
    // The router's continuation holds its whole chain of closures; a stream that lives for hours needs none.
    req.next = undefined;
  });
}

/** An optional `true`/`false` query parameter. */
function flag(schema: HttpDeps['schemas']['flag'], value: unknown, field: string): boolean {
  return value !== undefined && validate(schema, value, field) === 'true';
}

function resumePosition(
  schema: HttpDeps['schemas']['messageId'],
  header: string | undefined,
  query: unknown,
): number | undefined {
  if (header !== undefined && header !== '') return Number(validate(schema, header, 'header.last-event-id'));
  if (query !== undefined) return Number(validate(schema, query, 'query.lastEventId'));
  return undefined;
}
