// Desktop notifications for messages that arrive while the page is hidden. The browser is asked for permission
// only from a click on the page's button: never on load, never unprompted.

export class DesktopNotifier {
  /** @param {HTMLButtonElement} button shown while the user has neither allowed nor refused notifications */
  constructor(button) {
    this.button = button;
    button.addEventListener('click', () => void this.ask());
    this.render();
  }

  get api() {
    return window.Notification;
  }

  render() {
    this.button.hidden = !this.api || this.api.permission !== 'default';
  }

  async ask() {
    if (!this.api) return;
    try {
      await this.api.requestPermission();
    } finally {
      this.render();
    }
  }

  /** Shows a notification if the page is hidden and the user allowed them; a click on it calls `onClick`. */
  show(title, body, tag, onClick) {
    if (!this.api || this.api.permission !== 'granted' || document.visibilityState !== 'hidden') return;
    const notification = new this.api(title, { body, tag });
    notification.addEventListener('click', () => {
      window.focus();
      notification.close();
      onClick();
    });
  }
}
