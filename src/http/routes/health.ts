import type { Router } from 'express';
import { ChatError } from '../../core/errors.js';
import type { HttpDeps } from '../deps.js';

export function healthRoutes(router: Router, { draining }: HttpDeps): void {
  router.get('/healthz', (_req, res) => {
    if (draining()) throw new ChatError('unavailable', 'the server is shutting down');
    res.json({ status: 'ok' });
  });
}
