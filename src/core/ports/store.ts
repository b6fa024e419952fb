import type { ChangeStore } from './change-store.js';
import type { ConversationStore } from './conversation-store.js';
import type { GroupStore } from './group-store.js';
import type { AuditStore } from './audit-store.js';
import type { BlockStore } from './block-store.js';
import type { HookStore } from './hook-store.js';
import type { InviteStore } from './invite-store.js';
import type { NotifyStore } from './notify-store.js';
import type { QueueStore } from './queue-store.js';
import type { ReactionStore } from './reaction-store.js';
import type { RetentionStore } from './retention-store.js';
import type { SearchStore } from './search-store.js';
import type { SessionStore } from './session-store.js';
import type { UserStore } from './user-store.js';
import type { WebhookStore } from './webhook-store.js';

/**
 * The durable journal of the chat, and the only copy of every message: streams read it by position. Each family
 * states its own part of the contract; every backend passes the suite in test/store/contract/.
 *
 * Ordering: messages and events get ids that strictly increase across the store (hence per recipient), in the
 *   order of the calls, and the promises resolve in that order. Ids come from the clock (src/core/ids.ts), so
 *   that they are never handed out twice, even by a copy of the store restored from an older state.
 * Atomicity: a message is stored for all its recipients or for none (a full queue refuses it for all).
 * Durability: once a write's promise resolves, it survives a crash of the process (for a durable backend) and
 *   the caller may answer 201/202. Backends may batch concurrent writes into one commit (group commit).
 *   `markDelivered` is coalesced and written within about a second; a crash may lose it, and a stream opened
 *   without a resume position then receives those messages again, never fewer.
 * Feed: every write tells the backend's feed (see `Feed`) what it did, in the order the store applied it, by the
 *   time its promise resolves on this process; other processes hear it a little later.
 * Events: a change to what was delivered (a group's membership, an edit, a deletion, a reaction, a read mark) is
 *   appended, in the same step as the change, as an event with the next id on the queue of every user it
 *   concerns; streams read it by position, merged with the messages, and retention prunes it like one. A deleted
 *   text is overwritten in the store, in earlier `edited` events of the message too and in the quotes of the
 *   replies to it, not merely hidden.
 * Resume: `readQueue` returns what is retained after any position, in pages, at a cost that depends on what it
 *   returns, not on what is retained before the position. A position below the page's `prunedId` has lost
 *   messages, and the caller says so to the client. A position the store does not know (`knowsPosition`) was
 *   handed out by a later state of the store than this one: the store went back, and what followed it is lost.
 */
export interface Store
  extends
    UserStore,
    SessionStore,
    GroupStore,
    QueueStore,
    ConversationStore,
    SearchStore,
    ChangeStore,
    ReactionStore,
    RetentionStore,
    HookStore,
    WebhookStore,
    InviteStore,
    AuditStore,
    BlockStore,
    NotifyStore {
  close(): Promise<void>;
}
