// The service worker: it shows what the server pushes while no page of Parley is open (openapi.yaml's
// PushPayload), and a click on one opens its conversation. It sits at the root so that its scope is the whole
// page, and it handles no fetch: the page always comes from the server.
//
// A classic script with no imports, so that every browser that has push can run it.

/** Where a click opens a conversation: the address conversation-link.js reads. */
const conversationAddress = (name) => `/#with=${encodeURIComponent(name)}`;

/** The page's name for a conversation: Everyone for the broadcasts (`broad`). */
const conversationTitle = (payload) => (payload.kind === 'broadcast' ? 'Everyone' : payload.with);

/** What a notification of `payload` says: who wrote where, and what (or that something was written). */
function notificationOf(payload) {
  const where = payload.kind === 'direct' ? '' : ` in ${conversationTitle(payload)}`;
  const title = payload.mention ? `${payload.from} mentioned you${where}` : `${payload.from}${where}`;
  return {
    title,
    options: {
      body: typeof payload.text === 'string' && payload.text !== '' ? payload.text : 'New message',
      // One notification per conversation: a newer message replaces the older one, and says so again.
      tag: `conv:${payload.with}`,
      renotify: true,
      data: { with: payload.with, id: payload.id },
      icon: '/icon-192.png',
    },
  };
}

function parse(event) {
  try {
    const payload = event.data?.json();
    return payload && typeof payload.with === 'string' && typeof payload.from === 'string' ? payload : undefined;
  } catch {
    return undefined;
  }
}

self.addEventListener('install', () => void self.skipWaiting());
// Nothing is cached: a new worker may take over at once.
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  const payload = parse(event);
  // The browser requires a notification for every push (userVisibleOnly): one it cannot read still says so.
  const { title, options } = payload
    ? notificationOf(payload)
    : { title: 'Parley', options: { body: 'New message', icon: '/icon-192.png' } };
  event.waitUntil(self.registration.showNotification(title, options));
});

/** The page to open a conversation in: the one in focus, else one in sight, else any. */
function pickPage(pages) {
  return pages.find((p) => p.focused) ?? pages.find((p) => p.visibilityState === 'visible') ?? pages[0];
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const name = event.notification.data?.with;
  event.waitUntil(
    (async () => {
      const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const page = pickPage(pages);
      if (!page) {
        if (typeof name === 'string') await self.clients.openWindow(conversationAddress(name));
        else await self.clients.openWindow('/');
        return;
      }
      if (typeof name === 'string') page.postMessage({ t: 'open', with: name });
      try {
        await page.focus();
      } catch {
        // Only a click the browser itself reports may bring a page to the front; the conversation opens anyway.
      }
    })(),
  );
});
