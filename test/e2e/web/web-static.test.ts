import { request } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { policyOrScriptProblems, type WatchedPage } from '../../support/browser.js';
import { guard } from '../../support/web-page.js';
import { webFixture } from '../../support/web-fixture.js';

const forever = 'public, max-age=31536000, immutable';

describe("the web page's files: versioned ones cached for good, the others revalidated, all under the page's policy", () => {
  const web = webFixture();
  let index: string;
  let linked: string[];

  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, web.url), { headers });
  /** The status of a GET as a browser's cache would send it: fetch() adds Cache-Control: no-cache to conditionals. */
  const statusOf = (path: string, headers: Record<string, string>) =>
    new Promise<number | undefined>((resolve, reject) => {
      request(new URL(path, web.url), { headers }, (res) => {
        res.resume();
        resolve(res.statusCode);
      })
        .on('error', reject)
        .end();
    });

  beforeAll(async () => {
    index = await (await get('/')).text();
    linked = [...index.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
  });

  it('serves index.html to be revalidated on every load: no-cache, an ETag, and 304 when it has not changed', async () => {
    const res = await get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const etag = res.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(await statusOf('/', { 'if-none-match': etag })).toBe(304);
    expect(await statusOf('/', { 'if-none-match': '"something-else"' })).toBe(200);
    expect((await get('/index.html')).headers.get('etag')).toBe(etag);
  });

  it("links every script and style under the page's version, each cached for a year as immutable", async () => {
    const versioned = linked.filter((path) => /\.(js|css)$/.test(path));
    expect(versioned.length).toBeGreaterThan(10);
    const [version] = new Set(versioned.map((path) => /^v\/([\w-]+)\//.exec(path)?.[1]));
    expect(version).toMatch(/^[\w-]{12}$/);
    expect(versioned.every((path) => path.startsWith(`v/${version}/`))).toBe(true);
    for (const path of versioned) {
      const res = await get(`/${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe(forever);
      expect(res.headers.get('content-security-policy'), path).toContain("default-src 'self'");
    }
  });

  it('keeps the address of what is installed or remembered, the service worker, the manifest and the icons, revalidated', async () => {
    expect(linked).toEqual(expect.arrayContaining(['favicon.svg', 'manifest.webmanifest']));
    for (const path of ['/sw.js', '/manifest.webmanifest', '/favicon.svg', '/icon-192.png']) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('cache-control'), path).toBe('no-cache');
      expect(res.headers.get('etag'), path).toBeTruthy();
    }
  });

  it("answers a version it does not have with today's file, not to be kept: a page still open on an old version may ask", async () => {
    const res = await get('/v/an-old-one/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(await (await get('/app.js')).text());
  });

  it('runs from the versioned files, its modules importing each other under the version, its service worker at /sw.js', async () => {
    const watched: WatchedPage = await web.page();
    const { page } = watched;
    const scripts: string[] = [];
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    await page.goto(web.url);
    await page.locator('#sign-in-form').waitFor(guard);
    expect(scripts.length).toBeGreaterThan(10);
    expect(scripts.filter((path) => !/^\/v\/[\w-]{12}\//.test(path))).toEqual([]);
    const worker = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { scope: registration.scope, script: registration.active?.scriptURL };
    });
    expect(worker).toEqual({ scope: `${web.url}/`, script: `${web.url}/sw.js` });
    // A reload takes the versioned files from the browser's cache: nothing of them crosses the network.
    await page.reload();
    await page.locator('#sign-in-form').waitFor(guard);
    const fetched = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => /\/v\/[\w-]{12}\/.*\.(js|css)$/.test(e.name))
        .map((e) => [(e as PerformanceResourceTiming).transferSize, e.name]),
    );
    expect(fetched.length).toBeGreaterThan(10);
    expect(fetched.filter(([size]) => size !== 0)).toEqual([]);
    expect(policyOrScriptProblems(watched)).toEqual([]);
  });
});
