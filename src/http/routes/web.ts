import express, { type Response, type Router } from 'express';
import type { HttpDeps } from '../deps.js';
import { readWebAssets } from '../web-assets.js';

/** The page may run its own scripts and styles and talk to this server, nothing else. */
const pagePolicy =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** A versioned file never changes under its address. */
const forever = 'public, max-age=31536000, immutable';
/** Everything else may be kept, but is checked with the server (If-None-Match) before each use. */
const revalidate = 'no-cache';

/**
 * The browser client: static files only. index.html names the page's scripts and styles under `v/<version>/`
 * (web-assets.ts), which are cached for good; index.html itself, the service worker, the manifest and the icons
 * are revalidated on every load, so that a new version is picked up at once. The page's policy replaces the API's
 * deny-all one on the files served from here and nowhere else, so an unknown path keeps the strict policy.
 */
export function webRoutes(router: Router, { webRoot }: HttpDeps): void {
  const assets = readWebAssets(webRoot);
  const pageHeaders = (res: Response, cacheControl: string) => {
    res.setHeader('Content-Security-Policy', pagePolicy);
    res.setHeader('Cache-Control', cacheControl);
  };
  const staticFiles = (cacheControl: (res: Response) => string, index: string | false) =>
    express.static(webRoot, {
      index,
      fallthrough: true,
      dotfiles: 'ignore',
      cacheControl: false,
      setHeaders: (res) => pageHeaders(res as Response, cacheControl(res as Response)),
    });

  router.get(['/', '/index.html'], (req, res) => {
    pageHeaders(res, revalidate);
    res.setHeader('ETag', assets.indexEtag);
    res.type('html');
    if (req.fresh) res.status(304).end();
    else res.send(assets.indexHtml);
  });
  // A page still open on an older version may yet ask for one of its files: it gets today's, not kept.
  router.use(
    '/v/:version',
    (req, res, next) => {
      res.locals.current = req.params.version === assets.version;
      next();
    },
    staticFiles((res) => (res.locals.current ? forever : revalidate), false),
  );
  router.use(
    '/',
    staticFiles(() => revalidate, 'index.html'),
  );
}
