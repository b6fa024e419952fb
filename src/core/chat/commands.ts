import type { Group } from './directory.js';
import type { Msgform } from '../msgform.js';
import type { NotifyLevel } from '../ports/index.js';

/** Every command of the original chat system except join, which creates the actor and so precedes them. */
export type Command =
  | { readonly kind: 'get_users' }
  | { readonly kind: 'exit' }
  /** `<name>: <text>`; `>42 <name>: <text>` answers message 42 (`replyTo`). */
  | { readonly kind: 'send'; readonly to: string; readonly text: string; readonly replyTo?: number }
  | { readonly kind: 'broadcast'; readonly text: string }
  | { readonly kind: 'create_group'; readonly name: string; readonly members: readonly string[] }
  /**
   * `PUT /groups/{name}`: mk_grp that may be repeated. Makes the group when no group has the name; for the owner of
   * the group that has it, adds the listed users who are not members yet (and nobody is removed).
   */
  | { readonly kind: 'ensure_group'; readonly name: string; readonly members: readonly string[] }
  /** `add_grp:<group>:<user>[:<user>...]`: the owner adds members. */
  | { readonly kind: 'add_members'; readonly group: string; readonly members: readonly string[] }
  /** `rm_grp:<group>:<user>`: the owner removes a member, or a member removes themself (leaves). */
  | { readonly kind: 'remove_member'; readonly group: string; readonly member: string }
  /** `leave:<group>`. */
  | { readonly kind: 'leave'; readonly group: string }
  | { readonly kind: 'edit_message'; readonly id: number; readonly text: string }
  | { readonly kind: 'delete_message'; readonly id: number }
  /** `+42 <emoji>` reacts to message 42 (`on`); `-42 <emoji>` takes the reaction back. */
  | { readonly kind: 'react'; readonly id: number; readonly emoji: string; readonly on: boolean }
  /** `block:<user>` and `unblock:<user>`. */
  | { readonly kind: 'block'; readonly user: string; readonly on: boolean }
  /** `suspend:<user>` and `restore:<user>`, for admins. */
  | { readonly kind: 'suspend'; readonly user: string; readonly on: boolean }
  /** `notify:<conversation>:<all|mentions|none>`. */
  | { readonly kind: 'notify'; readonly with: string; readonly level: NotifyLevel }
  /** `quiet:<minutes>` from now; `quiet:off` (`minutes` null) ends it. */
  | { readonly kind: 'quiet'; readonly minutes: number | null };

export type CommandResult =
  | { readonly kind: 'users'; readonly users: readonly UserPresence[] }
  | { readonly kind: 'exited' }
  /** `sentAt` (epoch ms) is the one the msgform carries. */
  | {
      readonly kind: 'sent';
      readonly id: number;
      readonly to: string;
      readonly recipients: number;
      readonly sentAt: number;
    }
  | { readonly kind: 'broadcast'; readonly id: number; readonly recipients: number; readonly sentAt: number }
  | { readonly kind: 'group_created'; readonly group: Group }
  /** A membership change was made (its event has `id`), or there was nothing to change (`id` 0). */
  | { readonly kind: 'group_changed'; readonly group: Group; readonly id: number }
  | { readonly kind: 'edited'; readonly message: Msgform }
  | { readonly kind: 'deleted' }
  /** A block, a suspension or a reaction set (or lifted): nothing to show but that it was done. */
  | { readonly kind: 'done' }
  | { readonly kind: 'notify_level'; readonly with: string; readonly level: NotifyLevel }
  /** Quiet time as recorded: an ISO time, or null for not quiet. */
  | { readonly kind: 'quiet_time'; readonly until: string | null };

export interface UserPresence {
  readonly name: string;
  readonly online: boolean;
  readonly bot?: true;
}

/** How a command is to be carried out, besides what it says. */
export interface ExecuteOptions {
  /**
   * For the sends (send, broadcast): a retry with the same key by the same user gets the first send's id, and
   * nothing is stored twice (see Store.appendMessageOnce). Ignored by the other commands.
   */
  readonly idempotencyKey?: string;
  /** For the sends: the name shown for the sender (a webhook payload's `username`), at most 80 characters. */
  readonly displayName?: string;
}

/** Who is acting: the authenticated user and the session (token) they act through. */
export interface Actor {
  readonly name: string;
  readonly sessionId: string;
  /** A bot (see Accounts.registerBot), or a hook posting for its owner: what it sends carries the bot mark. */
  readonly bot?: true;
  /** An admin acting as one (through /admin): may change any group and delete any message. */
  readonly admin?: true;
  /**
   * The session was not read from the store for this request, which other processes share (Accounts.authenticate
   * with `checkedAsWritten`): a send carries it for the store to check as it writes (NewMessage.session).
   */
  readonly unconfirmed?: true;
}
