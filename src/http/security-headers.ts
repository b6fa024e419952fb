import type { RequestHandler } from 'express';
import { hstsMaxAgeSeconds } from './tls/profile.js';

/**
 * Headers on every response. An API answers JSON and events, never pages, so its policy forbids everything;
 * the web client's routes replace the Content-Security-Policy with the one its page needs. Written out rather
 * than taken from a package: it is this short list and nothing else.
 */
export function securityHeaders({ tls }: { tls: boolean }): RequestHandler {
  const headers: Record<string, string> = {
    'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Origin-Agent-Cluster': '?1',
    'X-DNS-Prefetch-Control': 'off',
    'X-Permitted-Cross-Domain-Policies': 'none',
    // Tokens travel in bodies and cookies: nothing may be kept by a shared cache. Static files set their own.
    'Cache-Control': 'no-store',
    ...(tls ? { 'Strict-Transport-Security': `max-age=${hstsMaxAgeSeconds}` } : {}),
  };
  const entries = Object.entries(headers);
  return (_req, res, next) => {
    for (const [name, value] of entries) res.setHeader(name, value);
    next();
  };
}
