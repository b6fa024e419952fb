import type { NewEvent, NewMessage } from '../../core/ports/index.js';
import { keyOfMessage } from '../conversation-key.js';
import type { QueueLimit } from './queue-limit.js';
import type { Statements } from './statements.js';

/**
 * The rows of one message or event, inside the caller's transaction: its text once (`messages`) and a small
 * `queue` row per recipient, or one entry of the broadcast log. A recipient's first row gives them a `cursors`
 * row too; the names that have one are kept here, so that an append inserts one only for a first-time recipient.
 */
export class QueueWriter {
  /** Names with a `cursors` row, as of the last commit. */
  private readonly cursorNames: Set<string>;
  /** Recipients given a `cursors` row by the transaction being written; known once it commits. */
  private newCursorNames: string[] = [];

  constructor(
    private readonly statements: Statements,
    private readonly queueLimit: QueueLimit,
  ) {
    this.cursorNames = new Set((statements.cursorNames.all() as { name: string }[]).map((row) => row.name));
  }

  /**
   * Writes one message; writes nothing and returns the recipients whose queue is full (see
   * NewMessage.queueLimit) instead.
   */
  message(id: number, message: NewMessage): string[] | undefined {
    const s = this.statements;
    if (message.kind === 'broadcast') {
      s.insertMessage.run(messageRow(id, message, 'b'));
      s.insertBroadcast.run(id, message.from);
      return undefined;
    }
    const { recipients, queueLimit } = message;
    if (recipients.length === 0) return undefined;
    if (queueLimit !== undefined) {
      const full = recipients.filter((to) => this.queueLimit.isFull(to, queueLimit));
      if (full.length > 0) return full;
    }
    s.insertMessage.run(messageRow(id, message, keyOfMessage(message)));
    if (message.kind === 'direct') s.notePeers.run(message.from, recipients[0], recipients[0], message.from);
    for (const to of recipients) {
      s.insertQueueRow.run(to, id);
      this.queueLimit.appended(to);
      this.ensureCursor(to);
    }
    return undefined;
  }

  /** Writes an event with its id on the queue of each of its recipients. */
  event(id: number, event: NewEvent, ofMessage?: number): void {
    const s = this.statements;
    if (event.recipients.length === 0) return;
    s.insertEvent.run(id, event.json, event.at, event.type, ofMessage ?? null);
    for (const to of event.recipients) {
      s.insertQueueRow.run(to, id);
      this.ensureCursor(to);
    }
  }

  /** Gives a new user their cursor: the broadcasts appended after `joinedId` reach them. */
  join(name: string, joinedId: number): void {
    this.statements.joinCursor.run(name, joinedId);
    this.newCursorNames.push(name);
  }

  /** The transaction committed: its new cursors exist, and so do those of the users whose positions it wrote. */
  committed(marked: Iterable<string>): void {
    for (const name of this.newCursorNames) this.cursorNames.add(name);
    for (const name of marked) this.cursorNames.add(name);
    this.newCursorNames = [];
  }

  rolledBack(): void {
    this.newCursorNames = [];
  }

  /** A deleted user's cursor is gone with its row; a later user of the name starts afresh. */
  forget(name: string): void {
    this.cursorNames.delete(name);
    this.newCursorNames = this.newCursorNames.filter((n) => n !== name);
  }

  private ensureCursor(name: string): void {
    if (this.cursorNames.has(name)) return;
    this.statements.ensureCursor.run(name);
    this.newCursorNames.push(name);
  }
}

/** The parameters of `insertMessage`: a message filed under its conversation's key. */
function messageRow(id: number, message: NewMessage, conversation: string) {
  return {
    id,
    sender: message.from,
    kind: message.kind,
    group: message.kind === 'broadcast' ? null : (message.group ?? null),
    text: message.text,
    sentAt: message.sentAt,
    conversation,
    bot: message.bot ? 1 : 0,
    displayName: message.displayName ?? null,
    mentions: message.mentions?.length ? JSON.stringify(message.mentions) : null,
    replyTo: message.replyTo?.id ?? null,
    replyFrom: message.replyTo?.from ?? null,
    replyText: message.replyTo && !message.replyTo.deleted ? message.replyTo.text : null,
  };
}
