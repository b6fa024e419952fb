import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The page as served: its version, and its index.html with every script and style linked under that version. */
export interface WebAssets {
  /** A hash of every file of the page: any change to any of them is a new version. */
  readonly version: string;
  /** The folder the versioned files are served under, relative to the page: `v/<version>/`. */
  readonly prefix: string;
  readonly indexHtml: string;
  /** A strong validator of `indexHtml`. */
  readonly indexEtag: string;
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/**
 * Reads the page's files once, at startup. The version is one hash over all of them rather than one per file:
 * the modules import each other by relative URL, so a module's version has to change when anything it imports
 * does, and one folder per version (`v/<hash>/app.js`, whose imports resolve to `v/<hash>/...`) gives that for
 * free, where a `?v=` query on the entry script would not reach the modules it imports.
 */
export function readWebAssets(webRoot: string): WebAssets {
  const hash = createHash('sha256');
  for (const file of filesUnder(webRoot)) hash.update(`${file}\0`).update(readFileSync(join(webRoot, file)));
  const version = hash.digest('base64url').slice(0, 12);
  const prefix = `v/${version}/`;
  // Only relative links to scripts and styles: the manifest, the icons and the service worker keep their
  // addresses, which installed apps and push subscriptions remember.
  const indexHtml = readFileSync(join(webRoot, 'index.html'), 'utf8').replace(
    /\b(href|src)="(?![a-z][a-z0-9+.-]*:|\/|#)([^"?#]+\.(?:js|css))"/g,
    (_match, attribute: string, path: string) => `${attribute}="${prefix}${path}"`,
  );
  const indexEtag = `"${createHash('sha256').update(indexHtml).digest('base64url').slice(0, 27)}"`;
  return { version, prefix, indexHtml, indexEtag };
}
