import type { Accounts } from '../accounts/accounts.js';
import type { Delivery } from '../delivery/delivery.js';
import { ChatError } from '../errors.js';
import { canonicalName } from '../names.js';
import type { StoredEvent } from '../msgform.js';
import type { BlockStore, NewEvent } from '../ports/index.js';
import type { Actor } from './commands.js';

/**
 * Who keeps whom out. A user who blocks another gets no direct message from them and cannot be put in a group by
 * them; in groups they share, the blocker's clients hide the blocked user's messages. Every block is kept in
 * memory here, as every process hears of each change: a `blocks` event on the blocker's own queue, which also
 * tells each of their devices.
 */
export class Blocks {
  private readonly byBlocker = new Map<string, Set<string>>();

  constructor(
    private readonly store: BlockStore,
    private readonly accounts: Accounts,
    private readonly delivery: Delivery,
    private readonly now: () => number,
  ) {}

  async load(): Promise<void> {
    for (const { blocker, blocked } of await this.store.loadBlocks()) this.apply(blocker, blocked, true);
  }

  /** Reads every block again (the feed may have missed some). */
  async reload(): Promise<void> {
    const all = await this.store.loadBlocks();
    this.byBlocker.clear();
    for (const { blocker, blocked } of all) this.apply(blocker, blocked, true);
  }

  /** Whether `blocker` keeps `blocked` out. */
  has(blocker: string, blocked: string): boolean {
    return this.byBlocker.get(blocker)?.has(blocked) ?? false;
  }

  /** The users the actor blocks, sorted. */
  list(actor: Actor): string[] {
    return [...(this.byBlocker.get(actor.name) ?? [])].sort();
  }

  /** Blocks (`on`) or unblocks a user; doing what is already so changes nothing and tells no one. */
  async set(actor: Actor, rawName: string, on: boolean): Promise<void> {
    const name = canonicalName(rawName);
    if (name === undefined || !(await this.accounts.learn(name))) {
      throw new ChatError('not_found', `no user is called "${rawName.slice(0, 40)}"`, 'path.name');
    }
    if (name === actor.name) throw new ChatError('invalid_request', 'you cannot block yourself', 'path.name');
    const event: NewEvent = {
      type: 'blocks',
      json: JSON.stringify({ user: name, blocked: on }),
      at: this.now(),
      recipients: [actor.name],
    };
    await this.delivery.change(async () => {
      const id = await this.store.setBlock({ blocker: actor.name, blocked: name }, on, event);
      if (id === undefined) return undefined;
      this.apply(actor.name, name, on);
      return [id];
    });
  }

  /** A `blocks` event from the feed (this process's or another's): the blocker is its one recipient. */
  heard(event: StoredEvent, recipients: readonly string[]): void {
    if (event.type !== 'blocks' || recipients.length !== 1) return;
    const { user, blocked } = JSON.parse(event.json) as { user: string; blocked: boolean };
    this.apply(recipients[0]!, user, blocked);
  }

  /** A user deleted: their blocks, both ways, go with them (the store removed them in the same step). */
  forget(name: string): void {
    this.byBlocker.delete(name);
    for (const [blocker, blocked] of this.byBlocker) {
      blocked.delete(name);
      if (blocked.size === 0) this.byBlocker.delete(blocker);
    }
  }

  /** not_accepted when a recipient keeps the sender out, naming no one but the field. */
  refuseIfBlocked(sender: string, recipients: readonly string[], field: string): void {
    if (!recipients.some((r) => this.has(r, sender))) return;
    // The same answer as for any refusal to accept: it says a recipient does not take this from the sender,
    // not that a block exists, nor which recipient (for a group).
    throw new ChatError('not_accepted', 'a recipient does not accept this from you', field);
  }

  private apply(blocker: string, blocked: string, on: boolean): void {
    const mine = this.byBlocker.get(blocker) ?? new Set<string>();
    if (on) mine.add(blocked);
    else mine.delete(blocked);
    if (mine.size === 0) this.byBlocker.delete(blocker);
    else this.byBlocker.set(blocker, mine);
  }
}
