import { EventSource } from 'eventsource';
import type { Msgform, Schemas } from './client.js';

/** A change to what was delivered, in the same resumable sequence as the messages. */
export type Change =
  | { readonly type: 'group'; readonly id: string; readonly data: Schemas['GroupEvent'] }
  | { readonly type: 'edited'; readonly id: string; readonly data: Schemas['EditedEvent'] }
  | { readonly type: 'deleted'; readonly id: string; readonly data: Schemas['DeletedEvent'] }
  | { readonly type: 'reaction'; readonly id: string; readonly data: Schemas['ReactionEvent'] }
  | { readonly type: 'read'; readonly id: string; readonly data: Schemas['ReadEvent'] }
  | { readonly type: 'blocks'; readonly id: string; readonly data: Schemas['BlocksEvent'] }
  | { readonly type: 'notifications'; readonly id: string; readonly data: Schemas['NotificationsEvent'] }
  | { readonly type: 'quiet'; readonly id: string; readonly data: Schemas['QuietTime'] };

const changeTypes = ['group', 'edited', 'deleted', 'reaction', 'read', 'blocks', 'notifications', 'quiet'] as const;

export interface StreamOptions {
  readonly baseUrl: string;
  readonly username: string;
  readonly token: string;
  /** Resume after this message id; later reconnects resume from the last id received, automatically. */
  readonly lastEventId?: string;
  /** Given, the stream asks for presence events and passes them here. */
  readonly onPresence?: (event: Schemas['PresenceEvent']) => void;
  readonly onLost?: (event: Schemas['LostEvent']) => void;
  /**
   * Group changes, edits, deletions, reactions, and what this user's devices set (read marks, blocks,
   * notification levels, quiet time), in order with the messages.
   */
  readonly onChange?: (change: Change) => void;
  /** Called when the connection drops and EventSource is about to reconnect. */
  readonly onReconnecting?: () => void;
}

/**
 * A user's messages as an async iterable of typed msgforms, on the eventsource package: it reconnects by itself
 * and sends Last-Event-ID, so a dropped connection or a server restart loses nothing.
 */
export class MessageStream implements AsyncIterable<Msgform> {
  /** The id of the last message or change received: pass it as `lastEventId` to resume in another process. */
  lastEventId: string | undefined;
  private readonly source: EventSource;
  private readonly buffered: Msgform[] = [];
  private wake: (() => void) | undefined;
  private closed = false;
  /** Resolves when the server has accepted the stream. */
  readonly opened: Promise<void>;

  constructor(options: StreamOptions) {
    this.lastEventId = options.lastEventId;
    const url = new URL(`/users/${encodeURIComponent(options.username)}/stream`, options.baseUrl);
    if (options.lastEventId !== undefined) url.searchParams.set('lastEventId', options.lastEventId);
    // Presence events come only to streams that ask for them.
    if (options.onPresence) url.searchParams.set('presence', 'true');
    this.source = new EventSource(url, {
      fetch: (input, init) =>
        fetch(input, { ...init, headers: { ...init.headers, Authorization: `Bearer ${options.token}` } }),
    });
    this.opened = new Promise((resolve) => this.source.addEventListener('open', () => resolve(), { once: true }));
    this.source.addEventListener('message', (event) => {
      const msgform = JSON.parse(event.data) as Msgform;
      this.lastEventId = msgform.id;
      this.buffered.push(msgform);
      this.wake?.();
    });
    for (const type of changeTypes) {
      this.source.addEventListener(type, (event) => {
        this.lastEventId = event.lastEventId;
        options.onChange?.({ type, id: event.lastEventId, data: JSON.parse(event.data) } as Change);
      });
    }
    this.source.addEventListener('presence', (event) => options.onPresence?.(JSON.parse(event.data)));
    this.source.addEventListener('lost', (event) => options.onLost?.(JSON.parse(event.data)));
    this.source.addEventListener('error', () => {
      if (this.source.readyState === EventSource.CONNECTING) options.onReconnecting?.();
      else this.finish();
    });
  }

  /** The next message, waiting for one to arrive; undefined once the stream is closed. */
  async next(): Promise<Msgform | undefined> {
    while (this.buffered.length === 0 && !this.closed) await new Promise<void>((resolve) => (this.wake = resolve));
    return this.buffered.shift();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Msgform> {
    for (let msgform = await this.next(); msgform !== undefined; msgform = await this.next()) yield msgform;
  }

  close(): void {
    this.source.close();
    this.finish();
  }

  private finish(): void {
    this.closed = true;
    this.wake?.();
  }
}

export function streamMessages(options: StreamOptions): MessageStream {
  return new MessageStream(options);
}
