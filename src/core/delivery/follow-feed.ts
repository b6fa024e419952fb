import type { Accounts } from '../accounts/accounts.js';
import type { FeedEvent } from '../ports/index.js';
import type { Delivery } from './delivery.js';
import type { Directory } from '../chat/directory.js';
import type { Presence } from './presence.js';

export interface FeedFollowers {
  readonly accounts: Accounts;
  readonly directory: Directory;
  readonly delivery: Delivery;
  readonly presence: Presence;
  readonly onError: (err: unknown) => void;
}

/**
 * Brings this process's view up to date with each thing the store did, whichever process did it (this one
 * included). A failure here is logged, never thrown: the write it follows is stored, and its writer must hear so.
 */
export function followFeed(followers: FeedFollowers): (event: FeedEvent) => void {
  return (event) => {
    try {
      follow(followers, event);
    } catch (err) {
      followers.onError(err);
    }
  };
}

function follow({ accounts, directory, delivery, presence, onError }: FeedFollowers, event: FeedEvent): void {
  switch (event.kind) {
    case 'message':
      return delivery.distribute(event.message, event.recipients);
    case 'event':
      return delivery.distributeEvent(event.event, event.recipients);
    case 'registered':
      presence.changed(event.name, false);
      accounts.learn(event.name).catch(onError);
      return;
    case 'group':
      return directory.addGroup(event.group);
    case 'session_ended':
      return delivery.endSession(event.user, event.sessionId, event.reason);
    case 'sessions_ended':
      return delivery.endSessionsOf(event.user);
    case 'deleted':
      accounts.forget(event.name);
      return delivery.forget(event.name);
    case 'presence':
      return presence.changed(event.name, event.online);
    case 'gap':
      return delivery.reread();
  }
}
