import type { Group } from './directory.js';

/** Every command of the original chat system except join, which creates the actor and so precedes them. */
export type Command =
  | { readonly kind: 'get_users' }
  | { readonly kind: 'exit' }
  | { readonly kind: 'send'; readonly to: string; readonly text: string }
  | { readonly kind: 'broadcast'; readonly text: string }
  | { readonly kind: 'create_group'; readonly name: string; readonly members: readonly string[] };

export type CommandResult =
  | { readonly kind: 'users'; readonly users: readonly UserPresence[] }
  | { readonly kind: 'exited' }
  /** `sentAt` (epoch ms) is the one the msgform carries. */
  | { readonly kind: 'sent'; readonly id: number; readonly to: string; readonly recipients: number; readonly sentAt: number }
  | { readonly kind: 'broadcast'; readonly id: number; readonly recipients: number; readonly sentAt: number }
  | { readonly kind: 'group_created'; readonly group: Group };

export interface UserPresence {
  readonly name: string;
  readonly online: boolean;
}

/** How a command is to be carried out, besides what it says. */
export interface ExecuteOptions {
  /**
   * For the sends (send, broadcast): a retry with the same key by the same user gets the first send's id, and
   * nothing is stored twice (see Store.appendMessageOnce). Ignored by the other commands.
   */
  readonly idempotencyKey?: string;
}

/** Who is acting: the authenticated user and the session (token) they act through. */
export interface Actor {
  readonly name: string;
  readonly sessionId: string;
}
