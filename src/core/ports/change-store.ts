import type { EventType, Message } from '../msgform.js';

/**
 * A change to state already delivered, as one event on the queue of every user it concerns: appended with the
 * next id of the one sequence messages use, atomically with the change it records, and told to the feed.
 */
export interface NewEvent {
  readonly type: EventType;
  /** The event's data as one line of JSON: the same string for every recipient and stream. */
  readonly json: string;
  /** Epoch milliseconds; retention prunes a delivered event like a message sent then. */
  readonly at: number;
  /** Canonical names, no duplicates. Events never count against the queue limit and are never refused for it. */
  readonly recipients: readonly string[];
}

/** A stored message found by id, with its direct recipient (for a direct message). */
export interface FoundMessage extends Message {
  readonly to?: string;
}

/** Edits and deletions of stored messages, each one event in the order of everything else. */
export interface ChangeStore {
  /** A retained message by id (deleted ones as tombstones), or undefined. */
  findMessage(id: number): Promise<FoundMessage | undefined>;
  /**
   * Replaces the text of a message, records when, and appends `event`, in one step. Resolves with the event's
   * id, or undefined, writing nothing, when the message is not retained or was deleted.
   */
  editMessage(id: number, text: string, editedAt: number, event: NewEvent): Promise<number | undefined>;
  /**
   * Overwrites the text of a message (it stays as a tombstone, so positions and history stay whole), blanks
   * the text of its earlier `edited` events and the quotes of the replies to it (their `replyTo` is `deleted`
   * from then on), removes its reactions, and appends `event`, in one step. A deleted reply keeps no quote
   * either. Resolves like `editMessage`.
   */
  deleteMessage(id: number, event: NewEvent): Promise<number | undefined>;
}
