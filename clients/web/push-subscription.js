// This device's Web Push subscription, and the service worker (sw.js) that shows what is pushed. The worker is
// registered on every load, so that a click on a notification finds it; the subscription is made only when the
// user turns notifications on for this device, and handed to the server again on every load after (the same
// endpoint answers the same subscription, now with this session: signing the session out removes it). No DOM.

import { api } from './api.js';

/** Whether this browser has what push needs; a browser may have it all and still no push service behind it. */
export const canPush = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

const registered =
  'serviceWorker' in navigator
    ? navigator.serviceWorker
        // Beside the page, not beside this module: the modules are served under a versioned folder, and the
        // worker's address and scope must stay the same from one version to the next.
        .register(new URL('sw.js', document.baseURI), { scope: new URL('./', document.baseURI).pathname })
        .catch(() => undefined)
    : Promise.resolve(undefined);

/** Why there is no push on this device; its `reason` says whose doing it is. */
export class NoPush extends Error {
  /** @param {'browser'|'server'} reason the browser has no push service, or the server sends no pushes */
  constructor(reason, message) {
    super(message);
    this.reason = reason;
  }
}

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(window.atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
}

function sameKey(buffer, bytes) {
  if (!buffer) return false;
  const held = new Uint8Array(buffer);
  return held.length === bytes.length && held.every((b, i) => b === bytes[i]);
}

async function pushManager() {
  // Refused (a policy, a private window of some browsers): no worker, so no push.
  if (!canPush() || !(await registered)) throw new NoPush('browser', 'this browser has no push');
  // Ready once a worker is active: the first load's install takes a moment.
  const registration = await navigator.serviceWorker.ready;
  return registration.pushManager;
}

/** The subscription the browser holds for this page, if any. */
async function held() {
  if (!canPush()) return undefined;
  const registration = await registered;
  return (await registration?.pushManager.getSubscription()) ?? undefined;
}

/**
 * Subscribes this device (or keeps the subscription it has, if it is for the server's key) and hands it to the
 * server. Needs the notification permission granted; asks for nothing itself.
 * @returns {Promise<{id: string}>} the server's record of it
 * @throws {NoPush} when the browser or the server has no push; an ApiError when the server refuses it
 */
export async function subscribe() {
  const manager = await pushManager();
  let key;
  try {
    key = keyBytes((await api.pushKey()).body.publicKey);
  } catch (err) {
    if (err?.status === 404) throw new NoPush('server', 'the server sends no pushes');
    throw err;
  }
  let subscription = await manager.getSubscription();
  // Made for another key (the server's changed): that one would never be delivered to.
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  if (!subscription) {
    try {
      subscription = await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    } catch (err) {
      throw new NoPush('browser', err instanceof Error ? err.message : String(err));
    }
  }
  return (await api.subscribePush(subscription.toJSON())).body;
}

/**
 * Ends this device's subscription: on the server (`id`, if known, else found by endpoint) when `onServer`, and
 * in the browser. A server that no longer has it (signed out, or it failed) is no error.
 */
export async function unsubscribe({ id, onServer = true } = {}) {
  const subscription = await held();
  if (!subscription) return;
  if (onServer) {
    let known = id;
    if (known === undefined) {
      const { body } = await api.pushSubscriptions();
      known = body.subscriptions.find((s) => s.endpoint === subscription.endpoint)?.id;
    }
    if (known !== undefined) {
      await api.unsubscribePush(known).catch((err) => {
        if (err?.status !== 404) throw err;
      });
    }
  }
  await subscription.unsubscribe();
}
