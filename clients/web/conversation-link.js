// Ways into a conversation from outside the page: an address `#with=<name>` (what a click on a pushed
// notification opens when no page of Parley is open), and the service worker's word that such a notification
// was clicked while this page is open (sw.js). Before sign-in the conversation waits in `state.linked` and
// opens once the chat does; the address is cleared once read, so that a reload opens the conversation last open.

import { state } from './state.js';

function fromAddress() {
  const match = /^#with=([^&/]{1,100})$/.exec(window.location.hash);
  if (!match) return undefined;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return undefined;
  }
}

function follow(name) {
  if (state.me) void state.request('open-conversation', name);
  else state.linked = name;
}

function followAddress() {
  const name = fromAddress();
  if (name === undefined) return;
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
  follow(name);
}

followAddress();
window.addEventListener('hashchange', followAddress);

const worker = navigator.serviceWorker;
if (worker) {
  worker.addEventListener('message', (event) => {
    const data = event.data;
    if (data?.t === 'open' && typeof data.with === 'string') {
      window.focus();
      follow(data.with);
    }
  });
  // Messages wait until the page says it listens: this module has set its listener by now.
  worker.startMessages();
}
