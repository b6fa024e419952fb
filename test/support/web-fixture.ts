import { rmSync } from 'node:fs';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { api, register, type ApiResponse, type RequestOptions, type TestUser } from './api.js';
import { launchBrowser, openPage, type WatchedPage } from './browser.js';
import { spawnServer, tempDir, type ServerProcess } from './process.js';
import { signIn } from './web-page.js';

export interface PageOptions {
  readonly viewport?: { width: number; height: number };
  /** Only for injecting a checker (axe-core): the page itself never needs it. */
  readonly bypassCSP?: boolean;
  /** Runs on the page's fresh context before the page is loaded (init scripts, permissions). */
  readonly prepare?: (context: BrowserContext) => Promise<unknown>;
}

/** A server and the browser of a test file, for the tests of one describe block. */
export interface WebFixture {
  /** The server now running: `startAgain()` replaces it. */
  readonly server: ServerProcess;
  /** The server's data directory (`--data`): where the operator commands (`runParley`) reach it. */
  readonly dataDir: string;
  /** The server's address, the same after `startAgain()`. */
  readonly url: string;
  readonly browser: Browser;
  /** One request to the server, checked against openapi.yaml (support/api.ts). */
  api<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** Registers the users, one after the other, through the API. */
  register<const Names extends readonly string[]>(...names: Names): Promise<{ -readonly [K in keyof Names]: TestUser }>;
  /** A direct or group message from `from`, through the API. */
  post(from: TestUser, to: string, text: string): Promise<ApiResponse>;
  /** A page of its own (its own cookies and storage), watched for problems, not yet loaded. */
  page(options?: PageOptions): Promise<WatchedPage>;
  /** A page of its own at the server, signed in as `user` through the form, its stream connected. */
  signedIn(user: { name: string; password: string }, options?: PageOptions): Promise<WatchedPage>;
  /** Starts the server again after `server.stop()`: the same port, the same store, the same accounts. */
  startAgain(): Promise<ServerProcess>;
}

/** One browser a test file: each describe block opens contexts of its own in it, closed when the block ends. */
let fileBrowser: Promise<Browser> | undefined;

/**
 * Starts a server on a SQLite store of its own (in a temporary directory, so that a restart keeps everything) and,
 * once per test file, a browser, before the tests of the describe block it is called in; stops the server and
 * closes the block's pages after them. The browser closes when the file ends (support/stop-at-end.ts).
 */
export function webFixture({ args = [] }: { args?: readonly string[] } = {}): WebFixture {
  const dataDir = tempDir('parley-web-');
  const serverArgs = ['--store', 'sqlite', '--data', dataDir, ...args];
  const contexts = new Set<BrowserContext>();
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;

  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the ${what} of webFixture() is there once its beforeAll has run`);
    return value;
  };

  const fixture: WebFixture = {
    dataDir,
    get server() {
      return started(server, 'server');
    },
    get url() {
      return started(server, 'server').url;
    },
    get browser() {
      return started(browser, 'browser');
    },
    api: (method, path, options) => api(fixture.url, method, path, options),
    async register(...names) {
      const users: TestUser[] = [];
      for (const name of names) users.push(await register(fixture.url, name));
      return users as never;
    },
    post: (from, to, text) => fixture.api('POST', '/messages', { token: from.token, json: { to, text } }),
    async page({ viewport, bypassCSP = false, prepare } = {}) {
      const watched = await openPage(fixture.browser, viewport, { bypassCSP });
      contexts.add(watched.context);
      await prepare?.(watched.context);
      return watched;
    },
    async signedIn(user, options) {
      const watched = await fixture.page(options);
      await watched.page.goto(fixture.url);
      await signIn(watched.page, user.name, user.password);
      return watched;
    },
    async startAgain() {
      server = await spawnServer([...serverArgs, '--port', String(fixture.server.port)]);
      return server;
    },
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([spawnServer(serverArgs), (fileBrowser ??= launchBrowser())]);
  });

  afterAll(async () => {
    await Promise.all([...contexts].map((context) => context.close()));
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  return fixture;
}
