// The account panel: the devices signed in to this account (this one marked), signing one of them or all the
// others out, and changing the password (deleting the account is account-deletion.js's). A modal <dialog>, so the browser keeps focus inside it and Escape closes it; it
// owns #account and the button that opens it, and tells the page through a `parley:session-ended` event on
// document when the server no longer knows this page's session.

import { api, ApiError } from './api.js';

const $ = (id) => document.getElementById(id);

const when = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

/** What a User-Agent says, in a few words: the browser or tool, and the system when it names one. */
export function deviceName(userAgent) {
  if (!userAgent) return 'Unknown device';
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /(Chromium|Chrome)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : userAgent.split(/[/\s]/)[0];
  const system = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Windows/.test(userAgent)
        ? 'Windows'
        : /Mac OS X|Macintosh/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : undefined;
  return system ? `${browser} on ${system}` : browser;
}

export class AccountPanel {
  constructor() {
    this.dialog = $('account');
    this.openButton = $('account-open');
    this.list = $('devices');
    this.signOutOthers = $('sign-out-others');
    this.status = $('account-status');
    this.form = $('password-form');
    this.current = $('current-password');
    this.next = $('new-password');
    this.error = $('password-error');
    this.submit = $('password-submit');
    this.openButton.addEventListener('click', () => void this.open());
    this.signOutOthers.addEventListener('click', () => void this.revokeOthers());
    $('account-close').addEventListener('click', () => this.close());
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.changePassword();
    });
    // The panel shows nothing of an account once it closes: the next opening asks the server again.
    this.dialog.addEventListener('close', () => {
      this.form.reset();
      this.error.hidden = true;
      this.say('');
      this.openButton.focus();
    });
  }

  async open() {
    if (!this.dialog.open) this.dialog.showModal();
    await this.refresh();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  async refresh() {
    try {
      const { body } = await api.sessions();
      this.render(body.sessions);
    } catch (err) {
      this.failed(err);
    }
  }

  render(sessions) {
    const items = sessions.map((session) => {
      const li = document.createElement('li');
      li.className = 'device';
      li.dataset.id = session.id;
      const name = document.createElement('span');
      name.className = 'device-name';
      name.textContent = deviceName(session.userAgent);
      if (session.userAgent) name.title = session.userAgent;
      const detail = document.createElement('span');
      detail.className = 'device-when';
      detail.textContent = `Signed in ${when.format(new Date(session.createdAt))} · last used ${when.format(new Date(session.lastUsedAt))}`;
      const text = document.createElement('div');
      text.className = 'device-text';
      text.append(name, detail);
      li.append(text);
      if (session.current) {
        li.classList.add('current');
        const mark = document.createElement('span');
        mark.className = 'device-current';
        mark.textContent = 'This device';
        li.append(mark);
      } else {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'ghost small';
        button.textContent = 'Sign out';
        // The visible label is the same on every row; the accessible name says which device.
        button.setAttribute(
          'aria-label',
          `Sign out ${name.textContent}, signed in ${when.format(new Date(session.createdAt))}`,
        );
        button.addEventListener('click', () => void this.revoke(session, name.textContent));
        li.append(button);
      }
      return li;
    });
    this.list.replaceChildren(...items);
    this.others = sessions.filter((session) => !session.current);
    this.signOutOthers.hidden = this.others.length === 0;
  }

  /** There is no one call for it: each other session is signed out in turn, as its own Sign out would. */
  async revokeOthers() {
    const others = this.others ?? [];
    this.signOutOthers.disabled = true;
    let done = 0;
    try {
      for (const session of others) {
        try {
          await api.revokeSession(session.id);
          done += 1;
        } catch (err) {
          if (!(err instanceof ApiError && err.status === 404)) throw err;
        }
      }
      this.say(done === 1 ? '1 other device is signed out.' : `${done} other devices are signed out.`);
    } catch (err) {
      this.failed(err);
    } finally {
      this.signOutOthers.disabled = false;
    }
    await this.refresh();
    // The button is gone with the others: focus goes on to the password form.
    (this.signOutOthers.hidden ? this.current : this.signOutOthers).focus();
  }

  async revoke(session, name) {
    try {
      await api.revokeSession(session.id);
      this.say(`${name} is signed out.`);
    } catch (err) {
      // Gone already (signed out elsewhere): the list below shows how things stand.
      if (!(err instanceof ApiError && err.status === 404)) return this.failed(err);
    }
    await this.refresh();
    // Focus stays in the list when there is another device to sign out, else moves on to the password form.
    (this.list.querySelector('button') ?? this.current).focus();
  }

  async changePassword() {
    const currentPassword = this.current.value;
    const newPassword = this.next.value;
    if (currentPassword === '' || newPassword.length < 8) {
      this.showError(
        currentPassword === '' ? 'Enter your current password.' : 'The new password needs at least 8 characters.',
      );
      return;
    }
    this.submit.disabled = true;
    try {
      await api.changePassword(currentPassword, newPassword);
      this.form.reset();
      this.error.hidden = true;
      this.say('Your password is changed, and your other devices are signed out.');
      await this.refresh();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'bad_credentials')
        this.showError('That is not your current password.');
      else this.failed(err);
    } finally {
      this.submit.disabled = false;
    }
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = false;
    this.current.focus();
  }

  say(text) {
    this.status.textContent = text;
  }

  failed(err) {
    if (err instanceof ApiError && err.status === 401) {
      this.close();
      document.dispatchEvent(new window.CustomEvent('parley:session-ended'));
      return;
    }
    this.showError(err instanceof Error ? err.message : String(err));
  }
}
