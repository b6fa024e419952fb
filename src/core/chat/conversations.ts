import type { ConversationRef, ConversationStore, NewEvent, Store } from '../ports/index.js';
import type { Actor } from './commands.js';
import type { Delivery } from '../delivery/delivery.js';
import type { Directory, Group } from './directory.js';
import { ChatError } from '../errors.js';
import { addressedTo, msgformOf, type Message, type MessageView, type Msgform } from '../msgform.js';
import { canonicalName } from '../names.js';
import { levelOf } from '../notify/levels.js';
import type { NotifyLevel } from '../ports/index.js';

/** How many messages a history page holds unless asked otherwise, and at most. */
export const historyPage = { default: 50, max: 200 } as const;

export interface ConversationView {
  readonly with: string;
  readonly kind: ConversationRef['kind'];
  readonly last?: MessageView;
  readonly unread: number;
  readonly readId: number;
  /** The user's notification level for it (see NotifySettings). */
  readonly notifications: NotifyLevel;
}

/**
 * History as each user sees it: their conversations, each read back by position from the store, with the same
 * access rules as sending (a group's history is for its members).
 */
export class Conversations {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly delivery: Delivery,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Up to `limit` messages before `beforeId`, oldest first, and whether older ones are retained; each with its
   * reactions as the actor sees them (`me`), which only history shows.
   */
  async history(
    actor: Actor,
    rawWith: string,
    beforeId: number,
    limit: number,
  ): Promise<{ messages: MessageView[]; more: boolean; notifications: NotifyLevel }> {
    const ref = this.conversationOf(actor, rawWith, 'query.with');
    const [page, levels] = await Promise.all([
      this.store.readConversation(actor.name, ref, beforeId, limit + 1),
      this.store.notifyLevels(actor.name),
    ]);
    const more = page.length > limit;
    const messages = page.slice(0, limit).reverse();
    const reactions = await this.store.reactionsOn(
      actor.name,
      messages.filter((m) => !m.deleted).map((m) => m.id),
    );
    return {
      messages: messages.map((m) => {
        const view = this.viewOf(actor.name, m, ref);
        const counts = reactions.get(m.id);
        return counts && !m.deleted ? { ...(view as Msgform), reactions: counts.map((c) => ({ ...c })) } : view;
      }),
      more,
      notifications: levelOf(levels, ref.kind, ref.with),
    };
  }

  /** Every conversation of the user: direct peers, their groups, and the broadcasts; most recent first. */
  async list(actor: Actor): Promise<ConversationView[]> {
    const me = actor.name;
    const refs: ConversationRef[] = [
      ...(await this.store.directPeers(me))
        .filter((peer) => this.directory.hasUser(peer))
        .map((peer) => ({ kind: 'direct' as const, with: peer })),
      ...this.directory.groupsOf(me).map((g) => ({ kind: 'group' as const, with: g.name })),
      { kind: 'broadcast', with: 'broad' },
    ];
    const levels = await this.store.notifyLevels(me);
    const views = await Promise.all(
      refs.map(async (ref): Promise<ConversationView> => {
        const { last, unread, readId } = await this.store.summarize(me, ref);
        const notifications = levelOf(levels, ref.kind, ref.with);
        const base = { with: ref.with, kind: ref.kind, unread, readId, notifications };
        return last ? { ...base, last: this.viewOf(me, last, ref) } : base;
      }),
    );
    const lastId = (v: ConversationView) => (v.last ? Number(v.last.id) : 0);
    return views.sort((a, b) => lastId(b) - lastId(a) || (a.with < b.with ? -1 : a.with > b.with ? 1 : 0));
  }

  /** Records the read mark with a `read` event on the reader's own streams, so that their other devices agree. */
  async markRead(actor: Actor, rawWith: string, upTo: number): Promise<void> {
    const ref = this.conversationOf(actor, rawWith, 'path.with');
    const data = { with: ref.with, upTo: String(upTo) };
    const event: NewEvent = { type: 'read', json: JSON.stringify(data), at: this.now(), recipients: [actor.name] };
    await this.delivery.change(async () => [await this.store.markRead(actor.name, ref, upTo, event)]);
  }

  /**
   * Every conversation the actor may read, each with its window as `history` reads it: their direct peers who
   * still have an account, the groups they are in or left, and the broadcasts.
   */
  async readable(actor: Actor): Promise<ConversationRef[]> {
    const peers = (await this.store.directPeers(actor.name)).filter((peer) => this.directory.hasUser(peer));
    return [
      ...peers.map((peer) => ({ kind: 'direct' as const, with: peer })),
      ...this.directory.groupsReadBy(actor.name).map((g) => this.conversationOf(actor, g.name, 'query.with')),
      { kind: 'broadcast', with: 'broad' },
    ];
  }

  /** A message of a conversation as `reader` sees it (see addressedTo). */
  viewOf(reader: string, message: Message, ref: ConversationRef): MessageView {
    return msgformOf(message, addressedTo(message, reader, this.recipientOf(message.from, reader, ref)));
  }

  /** `broad`, a group the actor belongs to, or a user; not_member or not_found otherwise. */
  conversationOf(actor: Actor, rawWith: string, field: string): ConversationRef {
    return conversationOf(this.directory, actor.name, rawWith, field);
  }

  /** The recipient of a direct message in a conversation between `reader` and its peer. */
  private recipientOf(from: string, reader: string, ref: ConversationRef): string {
    return from === reader ? ref.with : reader;
  }
}

/**
 * The conversation `reader` reads as `rawWith`, with their window of a group: `broad`, a group they belong or
 * belonged to, or a user; not_member or not_found (naming `field`) otherwise. These are history's access rules,
 * which replies and reactions follow too.
 */
export function conversationOf(directory: Directory, reader: string, rawWith: string, field: string): ConversationRef {
  const name = canonicalName(rawWith);
  if (name === 'broad') return { kind: 'broadcast', with: 'broad' };
  const group = name === undefined ? undefined : directory.group(name);
  if (group) {
    const window = groupWindow(group, reader);
    if (window) return { kind: 'group', with: group.name, ...window };
    throw new ChatError('not_member', `only members of "${group.name}" may read it`, field);
  }
  if (name === undefined || !directory.hasUser(name)) {
    throw new ChatError('not_found', `no user or group is called "${rawWith.slice(0, 40)}"`, field);
  }
  return { kind: 'direct', with: name };
}

/**
 * The part of a group's history `reader` reads, or undefined when they never were a member: a member reads from
 * when they joined; a former member keeps what came before they left.
 */
export function groupWindow(group: Group, reader: string): { after?: number; through?: number } | undefined {
  const after = group.joined?.[reader];
  const through = group.left?.[reader];
  if (!group.members.includes(reader) && through === undefined) return undefined;
  return { ...(after === undefined ? {} : { after }), ...(through === undefined ? {} : { through }) };
}

/** Message `id` as `reader` reads it in the history of `conversation`, or undefined when it is not there. */
export async function messageIn(
  store: ConversationStore,
  reader: string,
  conversation: ConversationRef,
  id: number,
): Promise<Message | undefined> {
  const [found] = await store.readConversation(reader, conversation, id + 1, 1);
  return found?.id === id ? found : undefined;
}
