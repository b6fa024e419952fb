// Desktop notifications for messages that arrive while the page is hidden, on this device as its setting says
// (device-notifications.js). The browser is asked for permission only from a click: the Notify me button or the
// setting, never on load, never unprompted.

import { keys, stored } from './storage.js';

/** The browser's answer on notifications, or `unsupported` where it has none. */
export const permission = () => window.Notification?.permission ?? 'unsupported';

/** Whether this device shows notifications: allowed by the browser and not turned off here. */
export const deviceNotifies = () => permission() === 'granted' && stored(keys.notifications) !== 'off';

export class DesktopNotifier {
  /**
   * @param {HTMLButtonElement} button shown while the user has neither allowed nor refused notifications
   * @param {() => Promise<unknown>} ask turns notifications on for this device, asking the browser first
   */
  constructor(button, ask) {
    this.button = button;
    button.addEventListener('click', () => void ask().finally(() => this.render()));
    this.render();
  }

  get api() {
    return window.Notification;
  }

  render() {
    this.button.hidden = permission() !== 'default' || stored(keys.notifications) === 'off';
  }

  /** Shows a notification if the page is hidden and this device shows them; a click on it calls `onClick`. */
  show(title, body, tag, onClick) {
    if (!deviceNotifies() || document.visibilityState !== 'hidden') return;
    const notification = new this.api(title, { body, tag });
    notification.addEventListener('click', () => {
      window.focus();
      notification.close();
      onClick();
    });
  }
}
