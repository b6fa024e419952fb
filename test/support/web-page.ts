import type { Locator, Page } from 'playwright-core';

/** Waits on page state, never on the clock; this is only the guard against a page that never gets there. */
export const guard = { timeout: 15_000 };

/** An entry of the conversation list (`broad` for Everyone). */
export const conversation = (page: Page, name: string): Locator =>
  page.locator(`#conversations li[data-with="${name}"]`);

/** A person in the People list. */
export const person = (page: Page, name: string): Locator => page.locator(`#users li[data-name="${name}"]`);

/** The messages of the open conversation whose text is exactly `text`. */
export const message = (page: Page, text: string): Locator =>
  page.locator('#messages li.msg').filter({ has: page.locator('p.text').getByText(text, { exact: true }) });

/** The texts of the open conversation, top to bottom. */
export const shownTexts = (page: Page): Promise<string[]> => page.locator('#messages li.msg p.text').allTextContents();

/** The ids of the open conversation, top to bottom. */
export const shownIds = (page: Page): Promise<string[]> =>
  page.locator('#messages li.msg').evaluateAll((items) => items.map((li) => (li as HTMLElement).dataset.id ?? ''));

/** Where the log is scrolled, and whether the element `selector` finds stands wholly in the log's box. */
export const logBox = (page: Page, selector?: string) =>
  page.evaluate((sel) => {
    const log = document.getElementById('messages')!;
    const box = log.getBoundingClientRect();
    const target = sel ? document.querySelector(sel)?.getBoundingClientRect() : undefined;
    return {
      atEnd: log.scrollHeight - log.scrollTop - log.clientHeight < 2,
      visible: target ? target.top >= box.top - 1 && target.bottom <= box.bottom + 1 : undefined,
    };
  }, selector);

/** Fills the sign-in form and waits until the stream is connected. */
export async function signIn(page: Page, name: string, password: string): Promise<void> {
  await page.locator('#username').fill(name);
  await page.locator('#password').fill(password);
  await page.locator('#sign-in-submit').click();
  await page.locator('#conn[data-state="connected"]').waitFor(guard);
}

/** Opens a conversation from the list and waits until it is shown. */
export async function openConversation(page: Page, name: string): Promise<void> {
  await conversation(page, name).locator('button.conv-open').click();
  await page
    .locator('#conv-title')
    .getByText(name === 'broad' ? 'Everyone' : name, { exact: true })
    .waitFor(guard);
}

export async function composerMode(page: Page, mode: 'message' | 'command'): Promise<void> {
  await page.locator(`#mode-${mode}`).click();
  await page.locator(`#mode-${mode}[aria-pressed="true"]`).waitFor(guard);
}

/** Types a line into the composer and sends it with Enter. */
export async function send(page: Page, text: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

/**
 * Runs `look` with the page in the light scheme and then the dark one, each once the page's transitions into it
 * have ended (colours are only final then); the page is light again after.
 */
export async function inEachScheme(page: Page, look: (scheme: 'light' | 'dark') => Promise<void>): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await inScheme(page, scheme);
    await look(scheme);
  }
  await inScheme(page, 'light');
}

/**
 * Puts the page in a colour scheme and resolves once the colour transitions it starts (buttons fade over 120 ms)
 * have ended. Style is computed first: until then no transition exists, and a look for running ones finds
 * none while the colours are still the old scheme's.
 */
export async function inScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.evaluate(async () => {
    void document.documentElement.getBoundingClientRect();
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const transitions = document.getAnimations().filter((a) => a instanceof CSSTransition);
    await Promise.all(transitions.map((a) => a.finished.catch(() => undefined)));
  });
}

/**
 * What of a dialog does not fit the viewport: the controls matched by `selector` that stick out of it or whose
 * label is cut, and whether the page scrolls sideways. (The page's own reflow check counts the controls behind a
 * modal as covered: a dialog's are checked with this.)
 */
export async function misfits(page: Page, selector: string): Promise<{ outside: string[]; scrollsSideways: boolean }> {
  return page.evaluate((sel) => {
    const width = document.documentElement.clientWidth;
    const outside = [...document.querySelectorAll(sel)]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.left < 0 || box.right > width || (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth);
      })
      .map((el) => el.id || el.textContent || '');
    return { outside, scrollsSideways: document.documentElement.scrollWidth > width };
  }, selector);
}
