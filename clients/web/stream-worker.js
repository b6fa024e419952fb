// The SharedWorker that holds the one event stream of this browser for all of its tabs (see stream-hub.js).

import { sessionHolds, StreamHub } from './stream-hub.js';

const hub = new StreamHub(sessionHolds);

self.addEventListener('connect', (event) => {
  const port = event.ports[0];
  hub.attach(port, (message) => port.postMessage(message));
  port.addEventListener('message', (e) => hub.receive(port, e.data));
  port.start();
});
