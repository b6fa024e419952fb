import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { hstsMaxAgeSeconds } from './tls/profile.js';

/**
 * Headers on every response, from helmet. An API answers JSON and events, never pages, so its policy forbids
 * everything; the web client's routes (routes/web.ts) replace the Content-Security-Policy with the one its page
 * needs. HSTS only over TLS: on plain HTTP it would tell browsers nothing true.
 *
 * Built once per app: helmet prepares its headers when configured, and each request only sets them.
 */
export function securityHeaders({ tls }: { tls: boolean }): RequestHandler {
  const headers = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
    },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    originAgentCluster: true,
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: tls ? { maxAge: hstsMaxAgeSeconds, includeSubDomains: false } : false,
    xContentTypeOptions: true,
    xDnsPrefetchControl: { allow: false },
    xFrameOptions: { action: 'deny' },
    xPermittedCrossDomainPolicies: { permittedPolicies: 'none' },
    xPoweredBy: true,
  });
  return (req, res, next) => {
    // Tokens travel in bodies and cookies: nothing may be kept by a shared cache. Static files set their own.
    res.setHeader('Cache-Control', 'no-store');
    headers(req, res, next);
  };
}
