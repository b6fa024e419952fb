import type { Logger } from 'pino';
import type { Accounts } from '../core/accounts/accounts.js';
import type { Admin } from '../core/admin/admin.js';
import type { Invites } from '../core/admin/invites.js';
import type { Blocks } from '../core/chat/blocks.js';
import type { Bots } from '../core/bots/bots.js';
import type { Hooks } from '../core/hooks/hooks.js';
import type { Chat } from '../core/chat/chat.js';
import type { Conversations } from '../core/chat/conversations.js';
import type { Delivery } from '../core/delivery/delivery.js';
import type { OwnAccount } from '../core/accounts/own-account.js';
import type { NotifySettings } from '../core/notify/notify-settings.js';
import type { PushSubscriptions } from '../core/notify/push-subscriptions.js';
import type { Search } from '../core/search/search.js';
import type { RequestSchemas } from './schemas.js';

/** Told of every request once its response closed, and of every refusal; for monitoring. Must be cheap. */
export interface HttpObserver {
  /** `route` is the route's pattern (`/users/:name/stream`), never the raw path, so that labels stay few. */
  request(method: string, route: string, status: number, seconds: number): void;
  /** A request refused by a limit (`rate_limited`, `queue_full`, ...), or a stream closed as a slow consumer. */
  refused(code: string): void;
}

/** What the HTTP layer needs, and nothing more. */
export interface HttpDeps {
  readonly accounts: Accounts;
  readonly admin: Admin;
  readonly blocks: Blocks;
  readonly invites: Invites;
  readonly bots: Bots;
  readonly chat: Chat;
  readonly hooks: Hooks;
  readonly conversations: Conversations;
  readonly search: Search;
  readonly notifySettings: NotifySettings;
  readonly pushSubscriptions: PushSubscriptions;
  readonly delivery: Delivery;
  readonly ownAccount: OwnAccount;
  readonly schemas: RequestSchemas;
  readonly log: Logger;
  readonly limits: {
    readonly maxBodyBytes: number;
    /** Reconnect delay suggested to stream clients. */
    readonly retryMs: number;
    readonly sessionTtlMs: number;
  };
  /** Where users reach the server (--public-url), for the URLs of incoming hooks; '': each request's origin. */
  readonly publicUrl: string;
  /** Mark the session cookie Secure (the server speaks TLS). */
  readonly secureCookies: boolean;
  /** The browser client's folder, served at `/`. */
  readonly webRoot: string;
  /** Browser and proxy settings; absent: CORS off, no proxy trusted, plain HTTP. */
  readonly security?: {
    /** Origins allowed to call the API cross-origin (bearer tokens only). */
    readonly corsOrigins: readonly string[];
    /** express's `trust proxy`: which proxies' X-Forwarded-For names the client address. */
    readonly trustProxy: boolean | number | string;
    readonly tls: boolean;
  };
  /** True once shutdown has begun: new streams and health checks get 503. */
  readonly draining: () => boolean;
  /** Absent: nothing is measured. */
  readonly observer?: HttpObserver;
}
