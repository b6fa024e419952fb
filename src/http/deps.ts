import type { Logger } from 'pino';
import type { Accounts } from '../core/accounts.js';
import type { Chat } from '../core/chat.js';
import type { Conversations } from '../core/conversations.js';
import type { Delivery } from '../core/delivery.js';
import type { RequestSchemas } from './schemas.js';

/** What the HTTP layer needs, and nothing more. */
export interface HttpDeps {
  readonly accounts: Accounts;
  readonly chat: Chat;
  readonly conversations: Conversations;
  readonly delivery: Delivery;
  readonly schemas: RequestSchemas;
  readonly log: Logger;
  readonly limits: {
    readonly maxBodyBytes: number;
    /** Reconnect delay suggested to stream clients. */
    readonly retryMs: number;
    readonly sessionTtlMs: number;
  };
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
}
