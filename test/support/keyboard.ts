import type { Page } from 'playwright-core';

/**
 * Presses Tab (or Shift+Tab) until the focused element matches `selector`, and checks that it shows a focus
 * ring; fails after `max` presses. Only the keyboard moves; the page is read to know where focus is.
 */
export async function tabTo(page: Page, selector: string, { back = false, max = 80 } = {}): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const at = await page.evaluate((sel) => {
      const active = document.activeElement;
      if (!active || !active.matches(sel)) return undefined;
      const style = getComputedStyle(active);
      return { ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2 };
    }, selector);
    if (at) {
      if (!at.ring) throw new Error(`${selector} has focus but no visible focus ring`);
      return;
    }
  }
  throw new Error(`${selector} not reached within ${max} presses of ${back ? 'Shift+Tab' : 'Tab'}`);
}

/** Whether the focused element matches `selector`. */
export const focused = (page: Page, selector: string): Promise<boolean> =>
  page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, selector);

/**
 * What breaks reflow at the current viewport: a page wider than the viewport, controls outside it, covered by
 * something else, or with their text cut off. Controls scrolled out of their scrolling box are not looked at.
 */
export function reflowProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const width = document.documentElement.clientWidth;
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`;
    if (document.documentElement.scrollWidth > width)
      problems.push(`the page is ${document.documentElement.scrollWidth}px wide in a ${width}px viewport`);
    const controls = [...document.querySelectorAll('button, input, select, textarea, a[href], [tabindex]')];
    for (const el of controls) {
      if (!el.checkVisibility({ visibilityProperty: true })) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      // Clip by every scrolling ancestor: what is scrolled away is reached by scrolling, not cut off.
      let top = r.top;
      let bottom = r.bottom;
      for (let p = el.parentElement; p; p = p.parentElement) {
        const overflow = getComputedStyle(p).overflowY;
        if (overflow === 'visible') continue;
        const box = p.getBoundingClientRect();
        top = Math.max(top, box.top);
        bottom = Math.min(bottom, box.bottom);
      }
      if (bottom - top < r.height - 0.5) continue;
      if (r.left < -0.5 || r.right > width + 0.5)
        problems.push(
          `${name(el)} is outside the viewport (${Math.round(r.left)}..${Math.round(r.right)} of ${width})`,
        );
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (hit && hit !== el && !el.contains(hit) && !hit.contains(el))
        problems.push(`${name(el)} is covered by ${name(hit)}`);
      if (el.scrollWidth > el.clientWidth + 1 && el.tagName !== 'INPUT' && !el.matches('ol, ul'))
        problems.push(`${name(el)} cuts off its text (${el.scrollWidth} > ${el.clientWidth})`);
    }
    return problems;
  });
}
