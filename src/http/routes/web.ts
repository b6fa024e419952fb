import express, { Router } from 'express';
import type { HttpDeps } from '../deps.js';

/** The browser client: static files only, under a policy that lets the page run nothing but its own scripts. */
export function webRoutes({ webRoot }: HttpDeps): Router {
  return Router().use(
    '/',
    (_req, res, next) => {
      res.set({
        'Content-Security-Policy':
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
          "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'X-Frame-Options': 'DENY',
      });
      next();
    },
    express.static(webRoot, { index: 'index.html', fallthrough: true, dotfiles: 'ignore' }),
  );
}
