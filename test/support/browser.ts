import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { stopAtEnd } from './stop-at-end.js';

/** The system's Chromium (Debian's `chromium` package). */
export const chromiumPath = '/usr/bin/chromium';

/**
 * A headless Chromium that talks to loopback only and phones nowhere; closed at the end of the test file at the
 * latest. `executablePath` is for the test that makes the launch fail.
 */
export async function launchBrowser({
  executablePath = chromiumPath,
}: { executablePath?: string } = {}): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const release = stopAtEnd(() => browser.close());
  browser.once('disconnected', release);
  return browser;
}

/**
 * What Chromium says when a page subscribes to pushes in a test context, which is incognito-like and has no push
 * service: the browser's complaint, not the page's. The page says so itself, in its setting.
 */
const noPushService = /does not support the Push API in incognito mode/;

export interface WatchedPage {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Every console message of level error or warning, and every uncaught page error. */
  readonly problems: string[];
}

/**
 * A page in a fresh context (no cookies, no storage) that records what the browser complains about.
 * `bypassCSP` only for injecting a checker (axe-core) into the page: the page itself never needs it.
 */
export async function openPage(
  browser: Browser,
  viewport = { width: 1280, height: 800 },
  { bypassCSP = false } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, bypassCSP });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() !== 'error' && msg.type() !== 'warning') return;
    if (noPushService.test(msg.text())) return;
    problems.push(`${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return { context, page, problems };
}

/** What the page's Content-Security-Policy refused, and uncaught script errors: a page must have none. */
export const policyOrScriptProblems = ({ problems }: WatchedPage): string[] =>
  problems.filter((p) => /content.security.policy|refused to (load|execute|apply)|pageerror/i.test(p));
