import { Delivery, type DeliveryLimits } from '../../src/core/delivery/delivery.js';
import type { Feed, Store } from '../../src/core/ports/index.js';

/**
 * A delivery core on a store and its feed, following the feed as a server does (src/core/delivery/follow-feed.ts)
 * for what reaches streams: messages, events and gaps.
 */
export async function startDelivery(store: Store, feed: Feed, limits: DeliveryLimits): Promise<Delivery> {
  const delivery = new Delivery(store, feed, limits);
  await feed.start((event) => {
    if (event.kind === 'message') delivery.distribute(event.message, event.recipients);
    else if (event.kind === 'event') delivery.distributeEvent(event.event, event.recipients);
    else if (event.kind === 'gap') delivery.reread();
  });
  delivery.restore(await store.lastMessageId());
  return delivery;
}
