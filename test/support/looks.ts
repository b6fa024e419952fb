import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expectAccessible } from './axe.js';
import { repoRoot } from './process.js';

/** Where the page's screenshots go, to be looked at. */
export const shots = join(repoRoot, 'test-output/web');

/** A laptop and a phone. */
export const viewports = {
  laptop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/**
 * Checks the page as it is with axe-core and takes its screenshot, in the light scheme and the dark one, at a
 * laptop's size and then a phone's (`sizes` to pick); the page is at the laptop's size again after. Files:
 * `test-output/web/<name>-<laptop|phone>-<light|dark>.png`. `before` runs after each resize (a phone shows one
 * pane at a time: it may have to pick one). The page must be in a context opened with `bypassCSP`.
 */
export async function looksRight(
  page: Page,
  name: string,
  {
    sizes = ['laptop', 'phone'],
    before,
  }: { sizes?: readonly (keyof typeof viewports)[]; before?: (size: keyof typeof viewports) => Promise<void> } = {},
): Promise<string[]> {
  mkdirSync(shots, { recursive: true });
  const paths: string[] = [];
  for (const size of sizes) {
    await page.setViewportSize(viewports[size]);
    await before?.(size);
    await expectAccessible(page, `${name} (${size})`, async (scheme) => {
      const path = join(shots, `${name}-${size}-${scheme}.png`);
      await page.screenshot({ path });
      paths.push(path);
    });
  }
  await page.setViewportSize(viewports.laptop);
  return paths;
}
