import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { hstsMaxAgeSeconds } from './tls/profile.js';

/**
 * Headers on every response, from helmet. An API answers JSON and events, never pages, so its policy forbids
 * everything; the web client's routes (routes/web.ts) replace the Content-Security-Policy with the one its page
 * needs. HSTS only over TLS: on plain HTTP it would tell browsers nothing true.
 *
 * Helmet decides the headers once, when the app is built (they depend on the configuration, never on the
 * request): each request then only sets them, with no chain of a dozen middlewares to walk through.
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
  const fixed = headersSetBy(headers);
  return (_req, res, next) => {
    // Tokens travel in bodies and cookies: nothing may be kept by a shared cache. Static files set their own.
    res.setHeader('Cache-Control', 'no-store');
    for (const [name, value] of fixed) res.setHeader(name, value);
    next();
  };
}

/** The headers a helmet middleware sets, read by running it once on a response that only records them. */
function headersSetBy(middleware: ReturnType<typeof helmet>): [string, string][] {
  const set = new Map<string, string>();
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.set(name, String(value)),
    // x-powered-by is off in the app already; any other removal would be a header this does not reproduce.
    removeHeader: (name: string) => {
      if (name.toLowerCase() !== 'x-powered-by')
        throw new Error(`helmet removes ${name}, which the fixed headers cannot`);
    },
  };
  let done = false;
  middleware({} as never, recorder as never, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    done = true;
  });
  if (!done) throw new Error('helmet did not finish at once; its headers cannot be fixed in advance');
  return [...set];
}
