import type { Accounts } from '../accounts/accounts.js';
import type { Actor } from '../chat/commands.js';
import { ChatError } from '../errors.js';
import { canonicalName } from '../names.js';
import type { StoredWebhook, Store, WebhookSender } from '../ports/index.js';

/** A bot as its owner sees it. */
export interface BotView {
  readonly name: string;
  readonly owner: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly webhook?: WebhookState;
}

/** Where a bot's webhook stands. */
export interface WebhookState extends Omit<StoredWebhook, 'bot' | 'secret'> {
  /** Events after the acknowledged position, counted up to `waitingCountLimit`. */
  readonly waiting: number;
}

/** Waiting events are counted by reading them: a bounded count keeps `GET /bots/{name}` cheap. */
export const waitingCountLimit = 1_000;

export interface BotLimits {
  /** Bots one user may own. @default 20 */
  readonly maxPerOwner: number;
}

/**
 * Bot accounts, managed by their owners: a bot is a user with no password and one token that never expires,
 * which its owner rotates; and, optionally, one outgoing webhook (see WebhookDeliveries).
 */
export class Bots {
  constructor(
    private readonly store: Store,
    private readonly accounts: Accounts,
    private readonly sender: WebhookSender,
    private readonly limits: BotLimits,
    /** Deletes an account as the operator's delete-user does: leaving its groups first, so that members are told. */
    private readonly deleteAccount: (name: string) => Promise<unknown>,
    private readonly now: () => number,
    /** Told when a webhook was set here, so that its deliveries start now rather than at the next look. */
    private readonly webhookSet: (bot: string) => void = () => undefined,
  ) {}

  async create(actor: Actor, rawName: string): Promise<{ bot: BotView; token: string }> {
    if (actor.bot) throw new ChatError('forbidden', 'a bot cannot own bots; create it as a person', 'body.name');
    if (this.accounts.botsOf(actor.name).length >= this.limits.maxPerOwner) {
      throw new ChatError('too_many_bots', `a user may own at most ${this.limits.maxPerOwner} bots`, 'body.name');
    }
    const { username, token } = await this.accounts.registerBot(rawName, actor.name);
    return { bot: this.view(username), token };
  }

  /** The actor's bots, sorted by name, without their webhooks' state. */
  list(actor: Actor): BotView[] {
    return this.accounts.botsOf(actor.name).map((name) => this.view(name));
  }

  async get(actor: Actor, rawName: string): Promise<BotView> {
    const name = this.owned(actor, rawName);
    const webhook = await this.store.findWebhook(name);
    if (!webhook) return this.view(name);
    const { bot: _b, secret: _s, ...state } = webhook;
    const waiting = (await this.store.readQueue(name, webhook.ackedId, waitingCountLimit)).rows.length;
    return { ...this.view(name), webhook: { ...state, waiting } };
  }

  /** A new token; the old one is refused from now on, on every process. */
  rotateToken(actor: Actor, rawName: string): Promise<string> {
    return this.accounts.rotateBotToken(this.owned(actor, rawName));
  }

  async delete(actor: Actor, rawName: string): Promise<void> {
    await this.deleteAccount(this.owned(actor, rawName));
  }

  /**
   * Sets the bot's webhook and returns its new signing secret, shown this once. A first webhook starts from
   * what no stream of the bot has been given yet; a replaced one keeps its place, so that changing the URL loses
   * nothing.
   */
  async setWebhook(actor: Actor, rawName: string, rawUrl: string): Promise<{ url: string; secret: string }> {
    const name = this.owned(actor, rawName);
    const url = await this.sender.check(rawUrl);
    const secret = this.sender.newSecret();
    await this.store.setWebhook(name, url, secret, this.now(), await this.store.deliveredId(name));
    this.webhookSet(name);
    return { url, secret };
  }

  async deleteWebhook(actor: Actor, rawName: string): Promise<void> {
    const name = this.owned(actor, rawName);
    if (!(await this.store.deleteWebhook(name))) {
      throw new ChatError('not_found', `the bot "${name}" has no webhook`, 'path.name');
    }
  }

  /** The name of one of the actor's bots; not_found for anything else, whoever owns it. */
  private owned(actor: Actor, rawName: string): string {
    const name = canonicalName(rawName);
    if (name === undefined || this.accounts.ownerOf(name) !== actor.name) {
      throw new ChatError('not_found', `you own no bot called "${rawName.slice(0, 40)}"`, 'path.name');
    }
    return name;
  }

  private view(name: string): BotView {
    return { name, owner: this.accounts.ownerOf(name)!, createdAt: this.accounts.createdAtOf(name) };
  }
}
