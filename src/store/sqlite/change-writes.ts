import { movedMembers } from '../../core/chat/group-change.js';
import type { Block, GroupChange, NewEvent, StoredGroup } from '../../core/ports/index.js';
import type { LocalFeed } from '../local-feed.js';
import type { GroupCommit } from './group-commit.js';
import type { QueueWriter } from './queue-writer.js';
import type { WalPurge } from './wal-purge.js';
import { toGroup, type GroupRow, type Statements } from './statements.js';

/**
 * Changes to what was delivered, each stored with its event in one commit and told to the feed as it settles:
 * groups created and changed, messages edited and deleted, blocks set and lifted, read marks, notification
 * levels and quiet times (changeWithEvent). What they need of the SQLite store is this.
 */
export interface ChangeWrites {
  readonly commits: GroupCommit;
  readonly statements: Statements;
  readonly queues: QueueWriter;
  readonly feed: LocalFeed;
  readonly purge: WalPurge;
  readonly nextId: () => number;
  readonly taken: (name: string) => boolean;
}

/** A new group and its `created` event in one commit; the feed hears the group, then the event. */
export function insertGroup(w: ChangeWrites, group: StoredGroup, event?: NewEvent): Promise<number | false> {
  const id = event ? w.nextId() : 0;
  return w.commits.submit(
    () => {
      if (w.taken(group.name)) return false;
      w.statements.insertGroup.run(
        group.name,
        JSON.stringify(group.members),
        group.createdBy,
        group.createdAt,
        group.owner ?? group.createdBy,
      );
      if (event) w.queues.event(id, event);
      return id;
    },
    (inserted) => {
      if (inserted === false) return false;
      w.feed.publish({
        kind: 'group',
        group: { ...group, owner: group.owner ?? group.createdBy, joined: {}, left: {} },
      });
      if (event) w.feed.tellEvent(id, event);
      return inserted;
    },
  );
}

/**
 * A membership change, applied only if the members are still those it was decided on; the feed hears the group
 * as it now is, then its events.
 */
export function changeGroup(w: ChangeWrites, change: GroupChange): Promise<number[] | undefined> {
  const ids = change.events.map(() => w.nextId());
  const recipients = change.events[0].recipients;
  return w.commits.submit(
    () => {
      const row = w.statements.group.get(change.name) as GroupRow | undefined;
      if (!row) return undefined;
      const group = toGroup(row);
      if (group.members.join(',') !== change.expected.join(',')) return undefined;
      const moved = movedMembers(group, change, ids[0]!);
      w.statements.setGroup.run(
        JSON.stringify(moved.members),
        moved.owner,
        JSON.stringify({ joined: moved.joined, left: moved.left }),
        change.name,
      );
      change.events.forEach((event, i) => w.queues.event(ids[i]!, { ...event, recipients }));
      return { ...group, ...moved };
    },
    (changed) => {
      if (!changed) return undefined;
      w.feed.publish({ kind: 'group', group: changed });
      change.events.forEach((event, i) => w.feed.tellEvent(ids[i]!, { ...event, recipients }));
      return ids;
    },
  );
}

/** Replaces a message's text; its `edited` event goes to everyone who got it. */
export function editMessage(
  w: ChangeWrites,
  id: number,
  text: string,
  editedAt: number,
  event: NewEvent,
): Promise<number | undefined> {
  return changeWithEvent(w, event, () => w.statements.editMessage.run(text, editedAt, id).changes > 0, id);
}

/**
 * Overwrites a message's text, in its earlier edits and in the quotes of the replies to it too, removes its
 * reactions, and has the WAL checkpointed soon.
 */
export function deleteMessage(w: ChangeWrites, id: number, event: NewEvent): Promise<number | undefined> {
  return changeWithEvent(w, event, () => {
    const s = w.statements;
    if (s.deleteMessage.run(id).changes === 0) return false;
    // Earlier edits carried texts of the message too: they become deletions, keeping their positions.
    s.blankEdits.run(event.json, id);
    s.blankQuotes.run(id);
    s.deleteReactions.run(id);
    w.purge.deleted();
    return true;
  });
}

/** Blocks or unblocks, with the blocker's `blocks` event; nothing when the block is already as asked. */
export function setBlock(w: ChangeWrites, block: Block, on: boolean, event: NewEvent): Promise<number | undefined> {
  const s = w.statements;
  return changeWithEvent(
    w,
    event,
    () => (on ? s.insertBlock : s.deleteBlock).run(block.blocker, block.blocked).changes > 0,
  );
}

/**
 * Writes `change` and appends `event` (of the message `ofMessage`, for an edit) in one commit, and tells the feed
 * the event as the commit settles; resolves with the event's id. A change that returns false wrote nothing: there
 * is no event either, and the promise resolves undefined.
 */
export function changeWithEvent(
  w: ChangeWrites,
  event: NewEvent,
  change: () => boolean,
  ofMessage?: number,
): Promise<number | undefined>;
export function changeWithEvent(w: ChangeWrites, event: NewEvent, change: () => void): Promise<number>;
export function changeWithEvent(
  w: ChangeWrites,
  event: NewEvent,
  change: () => boolean | void,
  ofMessage?: number,
): Promise<number | undefined> {
  const id = w.nextId();
  return w.commits.submit(
    () => {
      if (change() === false) return undefined;
      w.queues.event(id, event, ofMessage);
      return id;
    },
    (stored) => {
      if (stored !== undefined) w.feed.tellEvent(stored, event);
      return stored;
    },
  );
}
