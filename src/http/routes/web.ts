import express, { type Router } from 'express';
import type { HttpDeps } from '../deps.js';

/** The page may run its own scripts and styles and talk to this server, nothing else. */
const pagePolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/**
 * The browser client: static files only. The page's policy replaces the API's deny-all one on the files served
 * from here and nowhere else, so an unknown path keeps the strict policy.
 */
export function webRoutes(router: Router, { webRoot }: HttpDeps): void {
  router.use(
    '/',
    express.static(webRoot, {
      index: 'index.html',
      fallthrough: true,
      dotfiles: 'ignore',
      setHeaders: (res) => res.setHeader('Content-Security-Policy', pagePolicy),
    }),
  );
}
