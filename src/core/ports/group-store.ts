import type { NewEvent } from './change-store.js';

export interface StoredGroup {
  readonly name: string;
  /**
   * The members, longest-standing first (the creator, then the others in the order they were added); 2 to 32
   * names when created, none once the group ended.
   */
  readonly members: readonly string[];
  readonly createdBy: string;
  readonly createdAt: number;
  /** Who may add and remove members; absent in groups stored before owners existed, whose owner is the creator. */
  readonly owner?: string;
  /** The id of the event that added each member who joined after the group was created, kept once they leave. */
  readonly joined?: Readonly<Record<string, number>>;
  /** The id of the event that took each former member out: they keep the group's history up to it. */
  readonly left?: Readonly<Record<string, number>>;
}

/** A membership change, decided by the core on the members it read. */
export interface GroupChange {
  readonly name: string;
  /** The members the change was decided on: it is applied only if the group still has exactly these, in order. */
  readonly expected: readonly string[];
  /** The members afterwards, longest-standing first. */
  readonly members: readonly string[];
  readonly owner: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /**
   * Its events, appended in order with increasing ids, every one to the recipients of the first: a `left` of
   * the owner is followed by the `owner` hand-over. The positions recorded are the first one's id.
   */
  readonly events: readonly [NewEvent, ...NewEvent[]];
}

/** Named groups of users. Every write tells the feed the group as it now is (`group`), then its events. */
export interface GroupStore {
  loadGroups(): Promise<StoredGroup[]>;
  /** A group as the store has it now (another process may have created or changed it). */
  findGroup(name: string): Promise<StoredGroup | undefined>;
  /**
   * Resolves false, writing nothing, when a user or group of that name exists; otherwise with the id of
   * `event` (its `created` event, appended in the same step), or 0 without one.
   */
  insertGroup(group: StoredGroup, event?: NewEvent): Promise<number | false>;
  /**
   * Applies a membership change and appends its events in one step, recording when each added member joined and
   * each removed one left (the first event's id). Resolves with the events' ids, or undefined, writing nothing,
   * when the group is unknown or its members are no longer `change.expected` (another change came first).
   */
  changeGroup(change: GroupChange): Promise<number[] | undefined>;
}
