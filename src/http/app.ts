import express, { Router, type ErrorRequestHandler, type Express } from 'express';
import { ChatError } from '../core/errors.js';
import { accountRoutes } from './routes/account.js';
import { adminRoutes } from './routes/admin.js';
import { blockRoutes } from './routes/blocks.js';
import { botRoutes } from './routes/bots.js';
import { inviteRoutes } from './routes/invites.js';
import { hookPostRoute, hookRoutes } from './routes/hooks.js';
import { cors } from './cors.js';
import { crossSiteGuard } from './csrf.js';
import type { HttpDeps } from './deps.js';
import { observeRequests, refusalCodes } from './observe.js';
import { problem, sendProblem, type Problem } from './problem.js';
import { commandRoutes } from './routes/commands.js';
import { conversationRoutes } from './routes/conversations.js';
import { groupRoutes } from './routes/groups.js';
import { healthRoutes } from './routes/health.js';
import { messageRoutes } from './routes/messages.js';
import { notifyRoutes } from './routes/notify.js';
import { searchRoutes } from './routes/search.js';
import { sessionRoutes } from './routes/sessions.js';
import { streamRoutes } from './routes/stream.js';
import { userRoutes } from './routes/users.js';
import { webRoutes } from './routes/web.js';
import { securityHeaders } from './security-headers.js';

/** Builds the HTTP application without listening, so tests and the server wire it the same way. */
export function createApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The client address keys the login limits: X-Forwarded-For counts only from proxies the operator named.
  app.set('trust proxy', deps.security?.trustProxy ?? false);
  if (deps.observer) app.use(observeRequests(deps.observer));
  app.use(securityHeaders({ tls: deps.security?.tls ?? false }));
  const origins = deps.security?.corsOrigins ?? [];
  if (origins.length > 0) app.use(cors(origins));
  // Before the JSON parser, which would take a Slack payload's body from it; it needs no cookie guard, having
  // no credential but the secret in its URL.
  hookPostRoute(app as unknown as Router, deps);
  app.use(crossSiteGuard(), express.json({ limit: deps.limits.maxBodyBytes, type: 'application/json', strict: true }));
  // Every route on the app's own router: each router a request passes through costs a match and a dispatch of
  // its own. The busiest routes first (no two patterns overlap, so order decides only how many a request is
  // matched against); the page's static files last, as the fallback.
  const router = app as unknown as Router;
  for (const routes of [
    messageRoutes,
    streamRoutes,
    healthRoutes,
    sessionRoutes,
    accountRoutes,
    userRoutes,
    groupRoutes,
    conversationRoutes,
    searchRoutes,
    commandRoutes,
    botRoutes,
    hookRoutes,
    inviteRoutes,
    blockRoutes,
    notifyRoutes,
    adminRoutes,
    webRoutes,
  ]) {
    routes(router, deps);
  }
  app.use((req) => {
    throw new ChatError('not_found', `no such endpoint: ${req.method} ${req.path.slice(0, 100)}`);
  });
  app.use(errorHandler(deps));
  return app;
}

/** Body-parser failures, by their `type`, as the catalog's codes. */
function fromBodyParser(err: { type?: unknown; message?: unknown }): Problem | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return problem('payload_too_large', 'the request body is larger than the server accepts', 'body');
    case 'entity.parse.failed':
      return problem('invalid_request', 'the body is not valid JSON', 'body');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem('unsupported_media_type', String(err.message), 'header.content-type');
    case 'request.aborted':
    case 'stream.encoding.set':
      return problem('invalid_request', 'the request body could not be read', 'body');
    default:
      return undefined;
  }
}

function errorHandler({ log, observer }: HttpDeps): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let body: Problem | undefined;
    if (err instanceof ChatError) body = problem(err.code, err.message, err.field);
    // The router's decoding of a path parameter (an emoji, a name) that is not percent-encoded UTF-8.
    else if (err instanceof URIError)
      body = problem('invalid_request', 'the path is not percent-encoded UTF-8', 'path');
    else if (typeof err === 'object' && err !== null) body = fromBodyParser(err as { type?: unknown });
    if (!body) {
      log.error({ err, method: req.method, path: req.path }, 'request failed');
      body = problem('internal', 'the server failed to handle the request; it has been logged');
    } else {
      // While the store is away every request is refused: the outage is logged once where it starts and ends,
      // not once per request (the refusals are counted in the metrics).
      const level = body.code === 'unavailable' ? 'debug' : 'info';
      log[level]({ code: body.code, status: body.status, method: req.method, path: req.path }, body.detail);
      if (refusalCodes.has(body.code)) observer?.refused(body.code);
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof ChatError && err.retryAfterMs !== undefined) {
      res.set('Retry-After', String(Math.max(1, Math.ceil(err.retryAfterMs / 1000))));
    }
    sendProblem(res, body);
  };
}
