// The ports of the core: what it needs from a backend, with their contracts. Backends import them; the core
// never imports a backend.
export type { Backup } from './backup.js';
export type { ChangeStore, FoundMessage, NewEvent } from './change-store.js';
export type { ConversationRef, ConversationStore, ConversationSummary } from './conversation-store.js';
export type { Feed, FeedEvent } from './feed.js';
export type { GroupChange, GroupStore, StoredGroup } from './group-store.js';
export type { HookRecord, HookStore, StoredHook } from './hook-store.js';
export { idempotencyKeepMs, isEventRow } from './queue-store.js';
export type {
  Appended,
  NewMessage,
  QueueCursor,
  QueuedEvent,
  QueuedMessage,
  QueuePage,
  QueueRow,
  QueueStore,
} from './queue-store.js';
export { unlimited } from './rate-budgets.js';
export type { BudgetFactory, RateBudget, RateWindow } from './rate-budgets.js';
export type { PruneResult, RetentionPolicy, RetentionStore } from './retention-store.js';
export type { SearchHit, SearchPage, SearchRequest, SearchStore } from './search-store.js';
export type { SessionStore, StoredSession } from './session-store.js';
export type { Reaction, ReactionChange, ReactionCount, ReactionStore } from './reaction-store.js';
export type { Store } from './store.js';
export type { StoredUser, UserStore } from './user-store.js';
export type { StoredWebhook, WebhookAttempt, WebhookStore } from './webhook-store.js';
export type { WebhookCall, WebhookOutcome, WebhookSender } from './webhook-sender.js';
export type { AuditEntry, AuditStore } from './audit-store.js';
export type { Block, BlockStore } from './block-store.js';
export type { InviteStore, InviteTake, StoredInvite } from './invite-store.js';
export type {
  NewPushSubscription,
  NotifyLevel,
  NotifyStore,
  PushSubscribed,
  StoredPushSubscription,
} from './notify-store.js';
export type { PushCall, PushOutcome, PushSender, PushTarget, PushUrgency } from './push-sender.js';
