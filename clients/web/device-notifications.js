// "Notifications on this device" (#device-notifications in the account panel): a switch kept in this browser
// (storage.js). Turning it on, from a click only, asks the browser's permission, then subscribes the device to
// pushes (push-subscription.js), so that messages reach it while no page of Parley is open; off ends the
// subscription and silences the page's desktop notifications too. Where the browser has no push service, or the
// server sends no pushes, the switch stays on and says that notifications show while the page is open.
// The top bar's Notify me button asks for the same (`notifications-on`).

import { ApiError } from './api.js';
import { $ } from './dom.js';
import { deviceNotifies, permission } from './notify.js';
import { NoPush, subscribe, unsubscribe } from './push-subscription.js';
import { state } from './state.js';
import { keys, store } from './storage.js';

const view = {
  section: $('device-notifications'),
  toggle: $('device-notify'),
  status: $('device-notify-status'),
};

const pageOnly = 'notifications show while the page is open.';
const texts = {
  off: 'Off: this device shows no notifications.',
  working: 'Working…',
  push: 'On: new messages reach this device even while Parley is closed.',
  'page-only': `On: ${pageOnly}`,
  'no-push-browser': `This browser cannot receive pushes; ${pageOnly}`,
  'no-push-server': `This server sends no pushes; ${pageOnly}`,
  blocked: "Notifications are blocked for this site: allow them in the browser's site settings.",
  unsupported: 'This browser shows no notifications.',
};

/** The server's record of this device's subscription, once made or handed over in this page. */
let subscriptionId;
/** How notifications reach this device while on: `push`, or why only while the page is open. */
let reach = 'page-only';
/** The server's words, when it refused the subscription. */
let refusal = '';

function render(working = false) {
  const on = deviceNotifies();
  const shown = working
    ? 'working'
    : permission() === 'unsupported'
      ? 'unsupported'
      : permission() === 'denied'
        ? 'blocked'
        : on
          ? reach
          : 'off';
  view.section.dataset.state = shown;
  view.toggle.checked = on;
  view.toggle.disabled = shown === 'unsupported' || working;
  view.status.textContent =
    shown === 'refused' ? `The server refused this device's push service (${refusal}); ${pageOnly}` : texts[shown];
}

/** Subscribes (or hands the server the subscription again) and says how it went. */
async function syncPush() {
  if (!deviceNotifies()) return render();
  try {
    subscriptionId = (await subscribe()).id;
    reach = 'push';
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return state.emit('failed', err);
    if (err instanceof NoPush) {
      reach = `no-push-${err.reason}`;
    } else {
      reach = 'refused';
      refusal = err instanceof Error ? err.message : String(err);
    }
  }
  render();
}

async function turnOn() {
  if (permission() === 'unsupported') return render();
  render(true);
  // The browser asks the user only here, after a click: never on load.
  const answer = await window.Notification.requestPermission();
  if (answer !== 'granted') return render();
  store(keys.notifications, 'on');
  state.emit('device-notifications');
  render(true);
  await syncPush();
}

async function turnOff() {
  store(keys.notifications, 'off');
  state.emit('device-notifications');
  render(true);
  try {
    await unsubscribe({ id: subscriptionId });
  } catch (err) {
    // The server keeps it until this session ends; the browser no longer shows what comes.
    if (err instanceof ApiError && err.status === 401) state.emit('failed', err);
  }
  subscriptionId = undefined;
  reach = 'page-only';
  render();
}

view.toggle.addEventListener('change', () => void (view.toggle.checked ? turnOn() : turnOff()));
state.handle('notifications-on', turnOn);

state.on('signed-in', () => {
  render();
  void syncPush();
});
// The server removed this session's subscriptions; the browser drops its own, so nothing arrives for nobody.
state.on('signed-out', () => {
  subscriptionId = undefined;
  reach = 'page-only';
  void unsubscribe({ onServer: false }).catch(() => undefined);
});
