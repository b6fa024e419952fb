import type { SessionEndReason } from '../../core/delivery/stream-session.js';
import { queueFull } from '../../core/errors.js';
import type { Message } from '../../core/msgform.js';
import { nextId } from '../../core/ids.js';
import { movedMembers } from '../../core/chat/group-change.js';
import { idempotencyKeepMs } from '../../core/ports/index.js';
import type {
  Appended,
  Block,
  ConversationRef,
  GroupChange,
  NewEvent,
  NewMessage,
  PruneResult,
  Reaction,
  ReactionChange,
  ReactionCount,
  RetentionPolicy,
  Store,
  StoredGroup,
  StoredSession,
  StoredUser,
} from '../../core/ports/index.js';
import { deliveredToAll } from '../broadcast-floor.js';
import { directKey, keyOfMessage } from '../conversation-key.js';
import { messageMarks } from '../message-marks.js';
import { MemoryAccess } from './memory-access.js';
import { MemoryIntegrations } from './memory-integrations.js';
import { MemoryNotify } from './memory-notify.js';
import { MemoryReactions } from './memory-reactions.js';
import { firstAfter, MemoryReads } from './memory-reads.js';

/** Keeps everything in this process: for tests and throwaway servers. Nothing survives a restart. */
export class MemoryStore extends MemoryReads implements Store {
  protected readonly integrations = new MemoryIntegrations(this.clock);
  protected readonly access = new MemoryAccess();
  protected readonly notify = new MemoryNotify(this.clock, (event) => this.appendEvent(event));
  /** Each blocker's blocked users. */
  private readonly blocks = new Map<string, Set<string>>();
  private readonly reactions = new MemoryReactions();

  async insertUser(user: StoredUser): Promise<boolean> {
    if (this.taken(user.name)) return false;
    this.users.set(user.name, user);
    this.cursor(user.name).joinedId = this.lastId;
    this.feed.publish({ kind: 'registered', name: user.name });
    return true;
  }

  async insertGroup(group: StoredGroup, event?: NewEvent): Promise<number | false> {
    if (this.taken(group.name)) return false;
    const stored = {
      ...group,
      members: [...group.members],
      owner: group.owner ?? group.createdBy,
      joined: group.joined ?? {},
      left: group.left ?? {},
    };
    this.groups.set(group.name, stored);
    this.feed.publish({ kind: 'group', group: stored });
    return event ? this.appendEvent(event) : 0;
  }

  async changeGroup(change: GroupChange): Promise<number[] | undefined> {
    const group = this.groups.get(change.name);
    if (!group || group.members.join(',') !== change.expected.join(',')) return undefined;
    const recipients = change.events[0].recipients;
    const ids = change.events.map(() => this.nextId());
    const changed = { ...group, ...movedMembers(group, change, ids[0]!) };
    this.groups.set(change.name, changed);
    this.feed.publish({ kind: 'group', group: changed });
    change.events.forEach((event, i) => this.appendEvent({ ...event, recipients }, ids[i]));
    return ids;
  }

  async editMessage(id: number, text: string, editedAt: number, event: NewEvent): Promise<number | undefined> {
    const message = this.messages.get(id);
    if (!message || message.deleted) return undefined;
    this.messages.set(id, { ...message, text, editedAt });
    const eventId = this.appendEvent(event);
    this.events.set(eventId, { ...this.events.get(eventId)!, of: id });
    return eventId;
  }

  async deleteMessage(id: number, event: NewEvent): Promise<number | undefined> {
    const message = this.messages.get(id);
    if (!message || message.deleted) return undefined;
    const { editedAt: _, replyTo: __, ...rest } = message;
    this.messages.set(id, { ...rest, text: '', deleted: true });
    for (const [eventId, kept] of this.events) {
      if (kept.of === id) this.events.set(eventId, { id: eventId, type: 'deleted', json: event.json, at: kept.at });
    }
    for (const replyId of this.replies.get(id) ?? []) {
      const reply = this.messages.get(replyId)!;
      this.messages.set(replyId, { ...reply, replyTo: { id, from: message.from, text: '', deleted: true } });
    }
    this.replies.delete(id);
    this.unfileReply(message);
    this.reactions.forget(id);
    return this.appendEvent(event);
  }

  async setReaction(reaction: Reaction, on: boolean, maxEmoji: number, event: NewEvent): Promise<ReactionChange> {
    const message = this.messages.get(reaction.message);
    if (!message || message.deleted) return 'gone';
    return this.reactions.set(reaction, on, maxEmoji, () => this.appendEvent(event));
  }

  async reactionsOn(reader: string, ids: readonly number[]): Promise<ReadonlyMap<number, readonly ReactionCount[]>> {
    return this.reactions.counts(reader, ids);
  }

  async insertSession(session: StoredSession): Promise<void> {
    this.sessions.set(session.tokenHash, session);
  }

  async touchSession(tokenHash: string, expiresAt: number, lastUsedAt: number): Promise<void> {
    const session = this.sessions.get(tokenHash);
    if (session) this.sessions.set(tokenHash, { ...session, expiresAt, lastUsedAt });
  }

  async deleteSession(tokenHash: string, reason: SessionEndReason = 'exit'): Promise<void> {
    const session = this.sessions.get(tokenHash);
    if (!session) return;
    this.sessions.delete(tokenHash);
    this.notify.forgetSessions([tokenHash]);
    this.feed.publish({ kind: 'session_ended', user: session.username, sessionId: tokenHash, reason });
  }

  async appendMessageOnce(message: NewMessage, key: string): Promise<Appended> {
    this.forgetExpiredKeys(message.sentAt);
    const name = `${message.from}\n${key}`;
    const known = this.idempotencyKeys.get(name);
    if (known && known.expiresAt > message.sentAt) return { id: known.id, replayed: true, sentAt: known.sentAt };
    const id = await this.appendMessage(message);
    this.idempotencyKeys.delete(name);
    this.idempotencyKeys.set(name, { id, expiresAt: message.sentAt + idempotencyKeepMs, sentAt: message.sentAt });
    return { id, replayed: false, sentAt: message.sentAt };
  }

  /** Keys are kept in insertion order, which is expiry order: the expired ones are at the front. */
  private forgetExpiredKeys(now: number): void {
    for (const [name, { expiresAt }] of this.idempotencyKeys) {
      if (expiresAt > now) break;
      this.idempotencyKeys.delete(name);
    }
  }

  async appendMessage(message: NewMessage): Promise<number> {
    const { recipients, queueLimit, session: _session, bot, displayName, mentions, replyTo, ...rest } = message;
    if (message.kind !== 'broadcast' && queueLimit !== undefined) {
      // Per message: the list of full queues is made only when there is one.
      const isFull = (to: string) => (this.cursors.get(to)?.pending ?? 0) >= queueLimit;
      if (recipients.some(isFull)) throw queueFull(recipients.filter(isFull));
    }
    const id = this.nextId();
    const stored = { ...rest, ...messageMarks({ bot, displayName, mentions, replyTo }), id };
    if (message.kind === 'broadcast') {
      this.keep(stored, 'b');
      this.broadcasts.push(id);
    } else if (recipients.length > 0) {
      this.keep(stored, keyOfMessage(message));
      if (message.kind === 'direct') {
        this.peersOf(message.from).add(recipients[0]!);
        this.peersOf(recipients[0]!).add(message.from);
      }
      this.references.set(id, recipients.length);
      for (const to of recipients) {
        const c = this.cursor(to);
        c.queue.push(id);
        c.pending++;
      }
    }
    this.feed.tellMessage(id, message);
    return id;
  }

  async markRead(reader: string, conversation: ConversationRef, upTo: number, event?: NewEvent): Promise<number> {
    const key = `${reader}\n${conversation.with}`;
    this.reads.set(key, Math.max(this.reads.get(key) ?? 0, upTo));
    return event ? this.appendEvent(event) : 0;
  }

  async loadBlocks(): Promise<Block[]> {
    return [...this.blocks].flatMap(([blocker, blocked]) => [...blocked].map((name) => ({ blocker, blocked: name })));
  }

  async setBlock(block: Block, on: boolean, event: NewEvent): Promise<number | undefined> {
    const mine = this.blocks.get(block.blocker) ?? new Set<string>();
    if (mine.has(block.blocked) === on) return undefined;
    if (on) mine.add(block.blocked);
    else mine.delete(block.blocked);
    if (mine.size === 0) this.blocks.delete(block.blocker);
    else this.blocks.set(block.blocker, mine);
    return this.appendEvent(event);
  }

  async setAdmin(name: string, admin: boolean): Promise<boolean> {
    return this.setFlag(name, 'admin', admin);
  }

  async setSuspended(name: string, suspended: boolean): Promise<boolean> {
    return this.setFlag(name, 'suspended', suspended);
  }

  private setFlag(name: string, flag: 'admin' | 'suspended', on: boolean): boolean {
    const user = this.users.get(name);
    if (!user) return false;
    const { [flag]: _old, ...rest } = user;
    this.users.set(name, on ? { ...rest, [flag]: true } : rest);
    return true;
  }

  markDelivered(recipient: string, id: number): void {
    const c = this.cursor(recipient);
    if (id <= c.deliveredId) return;
    const through = firstAfter(c.queue, id);
    for (let i = firstAfter(c.queue, c.deliveredId); i < through; i++) if (!this.events.has(c.queue[i]!)) c.pending--;
    c.deliveredId = id;
  }

  async prune(policy: RetentionPolicy): Promise<PruneResult> {
    let removed = 0;
    for (const c of this.cursors.values()) {
      let cut = 0;
      while (removed < policy.batch && cut < c.queue.length) {
        const id = c.queue[cut]!;
        if (id > c.deliveredId || this.sentAt(id) >= policy.olderThan) break;
        cut++;
        removed++;
      }
      if (cut === 0) continue;
      c.prunedId = Math.max(c.prunedId, c.queue[cut - 1]!);
      for (const id of c.queue.splice(0, cut)) this.release(id);
    }
    removed += this.pruneBroadcasts(policy, policy.batch - removed);
    return { removed };
  }

  async deleteSessionsOf(username: string): Promise<number> {
    const mine = await this.sessionsOf(username);
    for (const session of mine) this.sessions.delete(session.tokenHash);
    this.notify.forgetSessions(mine.map((session) => session.tokenHash));
    this.feed.publish({ kind: 'sessions_ended', user: username });
    return mine.length;
  }

  async setPasswordHash(name: string, passwordHash: string): Promise<boolean> {
    const user = this.users.get(name);
    if (user) this.users.set(name, { ...user, passwordHash });
    return user !== undefined;
  }

  async deleteUser(name: string): Promise<boolean> {
    if (!this.users.delete(name)) return false;
    await this.deleteSessionsOf(name);
    const cursor = this.cursors.get(name);
    for (const id of cursor?.queue ?? []) this.release(id);
    this.cursors.delete(name);
    for (const peer of this.peers.get(name) ?? []) {
      this.peers.get(peer)?.delete(name);
      this.unfile(directKey(name, peer));
    }
    this.peers.delete(name);
    for (const key of [...this.reads.keys()])
      if (key.startsWith(`${name}\n`) || key.endsWith(`\n${name}`)) this.reads.delete(key);
    for (const [groupName, group] of this.groups) {
      if (!group.members.includes(name)) continue;
      const members = group.members.filter((m) => m !== name);
      if (members.length === 0) this.groups.delete(groupName);
      else this.groups.set(groupName, { ...group, members });
    }
    this.integrations.forgetOwner(name);
    this.notify.forgetUser(name);
    this.blocks.delete(name);
    for (const [blocker, blocked] of this.blocks) {
      blocked.delete(name);
      if (blocked.size === 0) this.blocks.delete(blocker);
    }
    this.feed.publish({ kind: 'deleted', name });
    return true;
  }

  async close(): Promise<void> {}

  /** The one place ids are assigned, for messages and events alike. */
  private nextId(): number {
    this.lastId = nextId(this.lastId, this.clock());
    return this.lastId;
  }

  private appendEvent(event: NewEvent, id = this.nextId()): number {
    if (event.recipients.length === 0) return id;
    const stored = { id, type: event.type, json: event.json, at: event.at };
    this.events.set(id, stored);
    this.references.set(id, event.recipients.length);
    for (const to of event.recipients) this.cursor(to).queue.push(id);
    this.feed.tellEvent(id, event);
    return id;
  }

  /** Removes the oldest broadcasts that every user they reach has had delivered, up to `room` of them. */
  private pruneBroadcasts(policy: RetentionPolicy, room: number): number {
    const floors = [...this.users.keys()].map((name) => {
      const c = this.cursor(name);
      return { name, floor: Math.max(c.deliveredId, c.joinedId) };
    });
    floors.sort((a, b) => a.floor - b.floor);
    let cut = 0;
    while (cut < room && cut < this.broadcasts.length) {
      const message = this.messages.get(this.broadcasts[cut]!)!;
      if (message.sentAt >= policy.olderThan || !deliveredToAll(message, floors)) break;
      cut++;
    }
    if (cut === 0) return 0;
    const through = this.broadcasts[cut - 1]!;
    for (const id of this.broadcasts.splice(0, cut)) this.forget(id);
    for (const c of this.cursors.values()) if (c.joinedId < through) c.prunedId = Math.max(c.prunedId, through);
    return cut;
  }

  private release(id: number): void {
    const left = (this.references.get(id) ?? 1) - 1;
    if (left > 0) {
      this.references.set(id, left);
      return;
    }
    this.references.delete(id);
    this.forget(id);
  }

  private keep(message: Message, key: string): void {
    this.messages.set(message.id, message);
    if (message.replyTo) {
      const replies = this.replies.get(message.replyTo.id) ?? new Set<number>();
      this.replies.set(message.replyTo.id, replies.add(message.id));
    }
    this.keyOf.set(message.id, key);
    let ids = this.conversations.get(key);
    if (!ids) this.conversations.set(key, (ids = []));
    ids.push(message.id);
  }

  /** A reply that goes (or loses its quote) is no longer one the deletion of its original has to blank. */
  private unfileReply(message: Message): void {
    if (!message.replyTo) return;
    const replies = this.replies.get(message.replyTo.id);
    replies?.delete(message.id);
    if (replies?.size === 0) this.replies.delete(message.replyTo.id);
  }

  /**
   * Takes a conversation out of history (that of a deleted user): its messages stay on the queues that hold
   * them, but nobody who takes one of its names later reads it back.
   */
  private unfile(key: string): void {
    for (const id of this.conversations.get(key) ?? []) this.keyOf.delete(id);
    this.conversations.delete(key);
  }

  private forget(id: number): void {
    if (this.events.delete(id)) return;
    const message = this.messages.get(id);
    if (message) this.unfileReply(message);
    this.messages.delete(id);
    this.replies.delete(id);
    this.reactions.forget(id);
    const key = this.keyOf.get(id);
    if (key === undefined) return;
    this.keyOf.delete(id);
    const ids = this.conversations.get(key)!;
    // Retention removes the oldest first, so this is nearly always the head.
    ids.splice(firstAfter(ids, id) - 1, 1);
  }
}
