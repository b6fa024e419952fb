import type { ConversationRef, Store } from '../ports/index.js';
import type { Accounts } from '../accounts/accounts.js';
import type { Blocks } from './blocks.js';
import type { Actor, Command, CommandResult, ExecuteOptions } from './commands.js';
import type { Delivery, Sending } from '../delivery/delivery.js';
import type { Directory, Group } from './directory.js';
import { ChatError } from '../errors.js';
import type { MessageKind } from '../msgform.js';
import { canonicalName, claimableName } from '../names.js';
import { GroupMembership, maxGroupSize } from './group-membership.js';
import { mentionsIn } from './mentions.js';
import { ownerOf } from './directory.js';
import { MessageChanges } from './message-changes.js';
import { conversationOf } from './conversations.js';
import { Reactions } from './reactions.js';
import { quoteOf } from './replies.js';
import { maxQuietMs, type NotifySettings } from '../notify/notify-settings.js';
import { unlimited, type RateBudget } from '../ports/index.js';

export { maxGroupSize } from './group-membership.js';

/** The sends each user has a budget for. */
export type SendKind = 'message' | 'broadcast' | 'group' | 'everyone';

export interface ChatLimits {
  /** Longest message text, in characters. @default 4000 */
  readonly maxTextLength: number;
  /** Per-user send budgets, keyed by user name; absent ones are unlimited. */
  readonly rates?: { readonly [K in SendKind]?: RateBudget };
  /** Groups one user may create, in all. @default 100 */
  readonly maxGroupsPerUser?: number;
  /** How long after sending a sender may edit a message (ms): --edit-window-ms. */
  readonly editWindowMs: number;
}

/**
 * C0 control characters other than tab, line feed and carriage return (NUL included), and lone surrogates (with
 * the u flag, \p{Cs} matches only unpaired halves). CR stays allowed: texts pasted from other systems carry CRLF,
 * and SSE framing encodes it safely.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const forbiddenCharacter = /[\x00-\x08\x0B\x0C\x0E-\x1F]|\p{Cs}/u;

/** Told of every message once it is stored, right before its 202; for monitoring. Must be cheap. */
export interface ChatObserver {
  accepted(kind: MessageKind): void;
}

/**
 * The one executor behind every front door: REST routes and the command line both build a Command and call
 * `execute`. The rules of the chat live here and nowhere else.
 */
export class Chat {
  readonly groups: GroupMembership;
  private readonly changes: MessageChanges;
  private readonly reactions: Reactions;

  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly accounts: Accounts,
    private readonly delivery: Delivery,
    private readonly limits: ChatLimits,
    private readonly now: () => number,
    private readonly observer?: ChatObserver,
    private readonly blocks?: Blocks,
    private readonly notify?: NotifySettings,
  ) {
    this.groups = new GroupMembership(store, directory, accounts, delivery, now, blocks);
    this.changes = new MessageChanges(store, directory, delivery, { editWindowMs: limits.editWindowMs }, now);
    this.reactions = new Reactions(store, directory, delivery, now, blocks);
  }

  async execute(actor: Actor, command: Command, options: ExecuteOptions = {}): Promise<CommandResult> {
    switch (command.kind) {
      case 'get_users': {
        const [names, online] = await Promise.all([this.directory.everyUser(), this.delivery.onlineNow()]);
        const users = names.map((name) =>
          this.accounts.isBot(name)
            ? { name, online: online(name), bot: true as const }
            : { name, online: online(name) },
        );
        return { kind: 'users', users };
      }
      case 'exit':
        await this.accounts.logout(actor);
        this.delivery.endSession(actor.name, actor.sessionId);
        return { kind: 'exited' };
      case 'send':
        await this.spend('message', actor.name);
        return this.send(actor, command, options);
      case 'broadcast':
        await this.spend('broadcast', actor.name);
        return this.broadcast(actor, command.text, options);
      case 'create_group':
        await this.spend('group', actor.name);
        return { kind: 'group_created', group: await this.createGroup(actor, command.name, command.members) };
      case 'ensure_group':
        return this.ensureGroup(actor, command.name, command.members);
      case 'add_members':
        return { kind: 'group_changed', ...(await this.groups.add(actor, command.group, command.members)) };
      case 'remove_member':
        return { kind: 'group_changed', ...(await this.groups.remove(actor, command.group, command.member)) };
      case 'leave':
        return { kind: 'group_changed', ...(await this.groups.leave(actor, command.group)) };
      case 'edit_message':
        this.checkText(command.text);
        return { kind: 'edited', message: await this.changes.edit(actor, command.id, command.text) };
      case 'delete_message':
        await this.changes.delete(actor, command.id);
        return { kind: 'deleted' };
      case 'react':
        // Each change is an event on every queue that holds the message: it costs what a message costs.
        await this.spend('message', actor.name);
        await this.reactions.set(actor, command.id, command.emoji, command.on);
        return { kind: 'done' };
      case 'block':
        if (!this.blocks) throw new ChatError('invalid_request', 'blocks are not kept here', 'body');
        await this.blocks.set(actor, command.user, command.on);
        return { kind: 'done' };
      case 'suspend':
        if (!this.suspension) throw new ChatError('not_admin', 'only admins may do this');
        await this.suspension(actor, command.user, command.on);
        return { kind: 'done' };
      case 'notify':
        if (!this.notify) throw new ChatError('invalid_request', 'notification levels are not kept here', 'body');
        return { kind: 'notify_level', ...(await this.notify.setLevel(actor, command.with, command.level)) };
      case 'quiet': {
        if (!this.notify) throw new ChatError('invalid_request', 'quiet time is not kept here', 'body');
        const span = command.minutes === null ? 0 : command.minutes * 60_000;
        if (span > maxQuietMs) {
          throw new ChatError('invalid_request', 'quiet time reaches at most a year ahead', 'body.minutes');
        }
        // 0 ends quiet time, as setQuiet takes it.
        return { kind: 'quiet_time', ...(await this.notify.setQuiet(actor, span === 0 ? 0 : this.now() + span)) };
      }
    }
  }

  /** How admins suspend and restore users (Admin.setSuspended), for the command line; set once both exist. */
  suspension?: (actor: Actor, name: string, suspended: boolean) => Promise<void>;

  /** The groups a user belongs to, sorted by name. */
  groupsOf(name: string): Group[] {
    return this.directory.groupsOf(name);
  }

  private async send(
    actor: Actor,
    { to: rawTo, text, replyTo }: Extract<Command, { kind: 'send' }>,
    options: ExecuteOptions,
  ): Promise<CommandResult> {
    const how = sending(actor, options);
    this.checkText(text);
    const to = canonicalName(rawTo);
    const group = to === undefined ? undefined : await this.directory.findGroup(to);
    if (to === undefined || (!group && !(await this.accounts.learn(to)))) {
      throw new ChatError('not_found', `no user or group is called "${rawTo.slice(0, 40)}"`, 'body.to');
    }
    if (!group) {
      this.blocks?.refuseIfBlocked(actor.name, [to], 'body.to');
      const quote = await this.quote(actor, { kind: 'direct', with: to }, replyTo);
      const { id, sentAt } = await this.delivery.send(
        { from: actor.name, ...senderMarks(actor, options), kind: 'direct', text, sentAt: this.now(), ...quote },
        [to],
        how,
      );
      this.observer?.accepted('direct');
      return { kind: 'sent', id, to, recipients: 1, sentAt };
    }
    if (!group.members.includes(actor.name)) {
      throw new ChatError('not_member', `only members of "${group.name}" may send to it`, 'body.to');
    }
    const recipients = group.members.filter((m) => m !== actor.name);
    const quote = await this.quote(actor, conversationOf(this.directory, actor.name, group.name, 'body.to'), replyTo);
    const draft = {
      from: actor.name,
      ...senderMarks(actor, options),
      kind: 'group' as const,
      group: group.name,
      text,
      sentAt: this.now(),
      ...(await this.mentions(actor, group, text)),
      ...quote,
    };
    const { id, sentAt } = await this.delivery.send(draft, recipients, how);
    this.observer?.accepted('group');
    return { kind: 'sent', id, to, recipients: recipients.length, sentAt };
  }

  /** The quote of the message a reply answers, which must be one of the conversation's it is sent to. */
  private async quote(actor: Actor, conversation: ConversationRef, replyTo: number | undefined) {
    return replyTo === undefined ? {} : { replyTo: await quoteOf(this.store, actor.name, conversation, replyTo) };
  }

  /**
   * The members a group message calls. `@everyone` reaches every phone of the group, so only its owner and admins
   * may call it, and not often: a text that calls it otherwise is refused, with the reason, rather than sent
   * quietly as if it had.
   */
  private async mentions(actor: Actor, group: Group, text: string): Promise<{ mentions?: readonly string[] }> {
    const { users, everyone } = mentionsIn(text, group.members, actor.name);
    if (everyone) {
      if (!actor.admin && ownerOf(group) !== actor.name) {
        throw new ChatError('forbidden', `only the owner of "${group.name}" may call @everyone`, 'body.text');
      }
      await this.spend('everyone', actor.name);
    }
    const mentions = everyone ? [...users, 'everyone'] : users;
    return mentions.length === 0 ? {} : { mentions };
  }

  private async broadcast(actor: Actor, text: string, options: ExecuteOptions): Promise<CommandResult> {
    this.checkText(text);
    const { id, sentAt } = await this.delivery.broadcast(
      { from: actor.name, ...senderMarks(actor, options), text, sentAt: this.now() },
      sending(actor, options),
    );
    this.observer?.accepted('broadcast');
    // Every registered user but the sender reads it from the broadcast log, online or not.
    return { kind: 'broadcast', id, recipients: this.directory.userCount() - 1, sentAt };
  }

  private async createGroup(actor: Actor, rawName: string, rawMembers: readonly string[]): Promise<Group> {
    const name = claimableName(rawName, 'body.name');
    const members = [actor.name];
    const unknown: string[] = [];
    for (const raw of rawMembers) {
      const member = canonicalName(raw);
      if (member === undefined || !(await this.accounts.learn(member))) unknown.push(raw.slice(0, 40));
      else if (!members.includes(member)) members.push(member);
    }
    if (unknown.length > 0) {
      throw new ChatError('unknown_member', `not registered users: ${unknown.join(', ')}`, 'body.members');
    }
    this.blocks?.refuseIfBlocked(actor.name, members.slice(1), 'body.members');
    if (members.length < 2) {
      throw new ChatError('invalid_request', 'a group needs at least one member besides its creator', 'body.members');
    }
    if (members.length > maxGroupSize) {
      throw new ChatError(
        'too_many_members',
        `a group has at most ${maxGroupSize} users, its creator included; this one would have ${members.length}`,
        'body.members',
      );
    }
    const maxGroups = this.limits.maxGroupsPerUser ?? Infinity;
    if (this.directory.groupsOf(actor.name).filter((g) => g.createdBy === actor.name).length >= maxGroups) {
      throw new ChatError('too_many_groups', `a user may create at most ${maxGroups} groups`, 'body.name');
    }
    const group: Group = { name, members, createdBy: actor.name, owner: actor.name };
    const created = this.groups.createdEvent(group);
    await this.directory.claim(name, () =>
      this.delivery.change(async () => {
        const id = await this.store.insertGroup({ ...group, createdAt: this.now() }, created);
        if (id === false) throw new ChatError('name_taken', `the name "${name}" is taken`, 'body.name');
        this.directory.addGroup(group);
        return [id];
      }),
    );
    return group;
  }

  /**
   * The group as asked for: made, or found. Someone else's group (or an ended one) keeps its name taken, as for
   * mk_grp; one the actor is in but does not own refuses additions, as add_grp does.
   */
  private async ensureGroup(actor: Actor, rawName: string, members: readonly string[]): Promise<CommandResult> {
    const name = canonicalName(rawName);
    const group = name === undefined ? undefined : await this.directory.findGroup(name);
    if (!group) {
      await this.spend('group', actor.name);
      return { kind: 'group_created', group: await this.createGroup(actor, rawName, members) };
    }
    if (!group.members.includes(actor.name)) {
      throw new ChatError('name_taken', `the name "${group.name}" is taken`, 'path.name');
    }
    return { kind: 'group_changed', ...(await this.groups.add(actor, group.name, members)) };
  }

  /** Spends one action of the actor's budget, or rate_limited with when to retry. */
  private async spend(kind: SendKind, user: string): Promise<void> {
    const waitMs = await (this.limits.rates?.[kind] ?? unlimited).take(user);
    if (waitMs > 0) {
      const what = kind === 'group' ? 'group creations' : kind === 'everyone' ? 'calls of @everyone' : `${kind}s`;
      throw new ChatError(
        'rate_limited',
        `too many ${what}; try again in ${Math.ceil(waitMs / 1000)} s`,
        undefined,
        waitMs,
      );
    }
  }

  private checkText(text: string): void {
    if (text.trim() === '') throw new ChatError('invalid_request', 'the text is empty', 'body.text');
    if (forbiddenCharacter.test(text)) {
      throw new ChatError(
        'invalid_request',
        'the text may not contain NUL, control characters other than tab, LF and CR, or lone surrogates',
        'body.text',
      );
    }
    if (text.length > this.limits.maxTextLength) {
      throw new ChatError(
        'invalid_request',
        `the text has ${text.length} characters; at most ${this.limits.maxTextLength} are allowed`,
        'body.text',
      );
    }
  }
}

/** What a message says of its sender besides the name: the bot mark, and the name a webhook asked to show. */
/** A send's Idempotency-Key, and the session for the store to check when the actor's was not read for it. */
function sending(actor: Actor, { idempotencyKey }: ExecuteOptions): Sending {
  return { idempotencyKey, session: actor.unconfirmed ? actor.sessionId : undefined };
}

function senderMarks(actor: Actor, options: ExecuteOptions): { bot?: true; displayName?: string } {
  if (!actor.bot) return {};
  return options.displayName === undefined ? { bot: true } : { bot: true, displayName: options.displayName };
}
