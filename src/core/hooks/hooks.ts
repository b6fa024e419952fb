import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Accounts } from '../accounts/accounts.js';
import type { Chat } from '../chat/chat.js';
import type { Actor } from '../chat/commands.js';
import type { Directory } from '../chat/directory.js';
import { ChatError } from '../errors.js';
import { canonicalName } from '../names.js';
import { unlimited, type HookRecord, type HookStore, type RateBudget } from '../ports/index.js';
import { parseSlackBody, renderSlackPayload } from './slack-payload.js';

export interface HookLimits {
  /** Hooks one user or bot may own. @default 100 */
  readonly maxPerOwner: number;
  /** Longest message text: a longer render is cut to fit. */
  readonly maxTextLength: number;
  /** Posts per hook. */
  readonly rate?: RateBudget;
  /** Refused posts in a row after which the owner is told (and again at every multiple). @default 5 */
  readonly failingAfter: number;
}

/** A new hook, with the secret of its URL, shown this once. */
export interface CreatedHook {
  readonly hook: HookRecord;
  readonly secret: string;
}

/** Told when a hook has been refused `failingAfter` posts in a row (`error`: the last refusal's reason). */
export type HookFailing = (hook: HookRecord, failures: number, error: string) => Promise<void>;

const maxNameLength = 80;

/**
 * Incoming webhooks: a secret URL that posts, in the Slack format, one message from its owner (with the bot mark)
 * to the one conversation it was made for. The secret lives only as a SHA-256 hash, compared in constant time.
 */
export class Hooks {
  constructor(
    private readonly store: HookStore,
    private readonly chat: Chat,
    private readonly accounts: Accounts,
    private readonly directory: Directory,
    private readonly limits: HookLimits,
    private readonly now: () => number,
    private readonly failing: HookFailing,
  ) {}

  /** A hook posting to `rawTo`, which the actor must be able to send to: a user, a group they are in, `broad`. */
  async create(actor: Actor, rawTo: string, rawName?: string): Promise<CreatedHook> {
    const to = await this.target(actor, rawTo);
    const name = rawName?.trim();
    if (name !== undefined && name.length > maxNameLength) {
      throw new ChatError('invalid_request', `a hook's name has at most ${maxNameLength} characters`, 'body.name');
    }
    if ((await this.store.hooksOf(actor.name)).length >= this.limits.maxPerOwner) {
      throw new ChatError('too_many_hooks', `a user may own at most ${this.limits.maxPerOwner} hooks`, 'body.to');
    }
    const secret = randomBytes(24).toString('base64url');
    const hook = {
      id: randomBytes(12).toString('base64url'),
      owner: actor.name,
      to,
      ...(name ? { name } : {}),
      secretHash: hashSecret(secret),
      createdAt: this.now(),
    };
    await this.store.insertHook(hook);
    return { hook: { ...hook, failures: 0 }, secret };
  }

  list(actor: Actor): Promise<HookRecord[]> {
    return this.store.hooksOf(actor.name);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    const hook = await this.store.findHook(id);
    // Another owner's hook and an unknown id answer alike, so that ids cannot be probed.
    if (!hook || hook.owner !== actor.name || !(await this.store.deleteHook(id))) {
      throw new ChatError('not_found', `you have no hook with the id "${id.slice(0, 40)}"`, 'path.id');
    }
  }

  /**
   * Posts one Slack-style body through the hook. `no_service` for an unknown hook and `invalid_token` for a
   * wrong secret, before the body is read; then the body's own errors, which count as the hook failing.
   */
  async post(id: string, secret: string, contentType: string | undefined, body: string): Promise<void> {
    const hook = await this.store.findHook(id);
    if (!hook) throw new ChatError('no_service', 'no hook has this URL: it was deleted, or never made', 'path.id');
    if (!sameSecret(secret, hook.secretHash)) {
      throw new ChatError('invalid_token', "the secret in the hook's URL is wrong", 'path.secret');
    }
    const waitMs = await (this.limits.rate ?? unlimited).take(`hook:${hook.id}`);
    if (waitMs > 0) {
      throw new ChatError(
        'rate_limited',
        `too many posts to this hook; try again in ${Math.ceil(waitMs / 1000)} s`,
        undefined,
        waitMs,
      );
    }
    try {
      const rendered = renderSlackPayload(parseSlackBody(contentType, body), this.limits.maxTextLength);
      const actor = { name: hook.owner, sessionId: `hook:${hook.id}`, bot: true as const };
      const options = rendered.displayName === undefined ? {} : { displayName: rendered.displayName };
      if (hook.to === 'broad') await this.chat.execute(actor, { kind: 'broadcast', text: rendered.text }, options);
      else await this.chat.execute(actor, { kind: 'send', to: hook.to, text: rendered.text }, options);
    } catch (err) {
      // The store down is not the hook's fault; the sender retries a 5xx.
      if (err instanceof ChatError && err.code !== 'unavailable' && err.code !== 'internal')
        await this.refused(hook, err);
      throw err;
    }
    await this.store.recordHookUse(hook.id, this.now());
  }

  private async refused(hook: HookRecord, err: ChatError): Promise<void> {
    const error = `${err.code}: ${err.message}`;
    const failures = await this.store.recordHookUse(hook.id, this.now(), error);
    if (failures > 0 && failures % this.limits.failingAfter === 0) await this.failing(hook, failures, error);
  }

  private async target(actor: Actor, rawTo: string): Promise<string> {
    const to = canonicalName(rawTo);
    if (to === 'broad') return to;
    const group = to === undefined ? undefined : await this.directory.findGroup(to);
    if (group) {
      if (!group.members.includes(actor.name)) {
        throw new ChatError('not_member', `only members of "${group.name}" may make a hook for it`, 'body.to');
      }
      return group.name;
    }
    if (to === undefined || !(await this.accounts.learn(to))) {
      throw new ChatError('not_found', `no user or group is called "${rawTo.slice(0, 40)}"`, 'body.to');
    }
    return to;
  }
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares hashes, which have one length whatever the secret given, so that the time says nothing of it. */
function sameSecret(secret: string, secretHash: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(secret), 'hex'), Buffer.from(secretHash, 'hex'));
}
