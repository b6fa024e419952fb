import type { Feed, FeedEvent, NewEvent, NewMessage } from '../core/ports/index.js';
import { messageMarks } from './message-marks.js';

/**
 * The feed of a store that one process owns (memory, SQLite): a cluster of one. Its store tells it each write
 * as the write completes, in the store's order, and it tells the core at once, so that the core follows the
 * same events, in the same order, as it does on a store several processes share. Never loses an event: it
 * never tells a gap.
 */
export class LocalFeed implements Feed {
  private listener: ((event: FeedEvent) => void) | undefined;
  /** Streams open per user. */
  private readonly streams = new Map<string, number>();

  /** Called by the store right after a write, before the write's promise resolves. */
  publish(event: FeedEvent): void {
    this.listener?.(event);
  }

  /** Tells a message the store appended with `id`: to its recipients, or to everyone for a broadcast. */
  tellMessage(id: number, message: NewMessage): void {
    const { recipients, queueLimit: _, session: __, bot, displayName, mentions, replyTo, ...rest } = message;
    this.publish({
      kind: 'message',
      message: { ...rest, ...messageMarks({ bot, displayName, mentions, replyTo }), id },
      recipients: message.kind === 'broadcast' ? [] : recipients,
    });
  }

  /** Tells an event the store appended with `id`; one without recipients was not stored, and is not told. */
  tellEvent(id: number, event: NewEvent): void {
    if (event.recipients.length === 0) return;
    this.publish({
      kind: 'event',
      event: { id, type: event.type, json: event.json, at: event.at },
      recipients: event.recipients,
    });
  }

  async start(listener: (event: FeedEvent) => void): Promise<void> {
    this.listener = listener;
  }

  async streamOpened(name: string, limit: number): Promise<boolean> {
    const open = this.streams.get(name) ?? 0;
    if (open >= limit) return false;
    this.streams.set(name, open + 1);
    if (open === 0) this.publish({ kind: 'presence', name, online: true });
    return true;
  }

  streamClosed(name: string): void {
    const left = (this.streams.get(name) ?? 0) - 1;
    if (left > 0) return void this.streams.set(name, left);
    if (!this.streams.delete(name)) return;
    this.publish({ kind: 'presence', name, online: false });
  }

  async onlineUsers(): Promise<ReadonlySet<string>> {
    return new Set(this.streams.keys());
  }

  async stop(): Promise<void> {
    this.listener = undefined;
  }
}
