import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults } from 'axe-core';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { inEachScheme } from './web-page.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 A and AA, as axe-core checks them, and its best practices. */
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/**
 * Runs axe-core on the page as it is now; one line per element that breaks a rule: the rule, its impact, the
 * element, the help text and what to fix. The page's CSP refuses injected scripts, so the page must be in a
 * context opened with `bypassCSP`.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  const results = await page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe.run(
        document,
        { runOnly: { type: 'tag', values: tags } },
      ),
    axeTags,
  );
  return results.violations.flatMap((rule) =>
    rule.nodes.map(
      (node) =>
        `${rule.id} (${rule.impact ?? 'no impact'}) on ${node.target.join(' ')}: ${rule.help} (${rule.helpUrl})\n  ${node.failureSummary ?? ''}`,
    ),
  );
}

/**
 * Expects no axe-core violation in the page as it is, in both colour schemes (`inEachScheme`); `then` runs in
 * each scheme after its check (a screenshot, a tally of what was checked).
 */
export async function expectAccessible(
  page: Page,
  state: string,
  then?: (scheme: 'light' | 'dark') => Promise<void> | void,
): Promise<void> {
  await inEachScheme(page, async (scheme) => {
    expect(await axeViolations(page), `${state}, ${scheme} scheme`).toEqual([]);
    await then?.(scheme);
  });
}
