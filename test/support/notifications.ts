import type { Page } from 'playwright-core';

/**
 * Wraps the browser's Notification so that the test sees what the page asks for and shows; the real one still
 * does the work.
 */
export function spyOnNotifications(): void {
  const Real = window.Notification;
  const shown: { title: string; body: string | undefined }[] = [];
  let asked = 0;
  class Spy extends Real {
    constructor(title: string, options?: NotificationOptions) {
      super(title, options);
      shown.push({ title, body: options?.body });
    }
  }
  Object.defineProperty(Spy, 'permission', { get: () => Real.permission });
  Object.defineProperty(Spy, 'requestPermission', {
    value: () => {
      asked += 1;
      return Real.requestPermission();
    },
  });
  Object.assign(window, { Notification: Spy, notificationSpy: { shown, asked: () => asked } });
}

export interface NotificationSpy {
  shown: { title: string; body: string | undefined }[];
  asked(): number;
}
export const spy = (page: Page) =>
  page.evaluate(() => {
    const s = (window as unknown as { notificationSpy: NotificationSpy }).notificationSpy;
    return { shown: s.shown, asked: s.asked() };
  });

/** Headless Chromium never hides a page, so the test says the page is hidden the way the browser would. */
export const setHidden = (page: Page, hidden: boolean) =>
  page.evaluate((hide) => {
    if (hide) Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    else delete (document as unknown as { visibilityState?: string }).visibilityState;
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
