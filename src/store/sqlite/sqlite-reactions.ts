import type { Database, Statement } from 'better-sqlite3';
import type { NewEvent, Reaction, ReactionChange, ReactionCount } from '../../core/ports/index.js';
import type { ChangeWrites } from './change-writes.js';

/** The statements of reactions, prepared once. */
function prepareReactionStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    reactable: st(`SELECT 1 FROM messages WHERE id = ? AND kind <> 'event' AND deleted = 0`).pluck(),
    has: st('SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? AND user = ?').pluck(),
    hasEmoji: st('SELECT 1 FROM reactions WHERE message_id = ? AND emoji = ? LIMIT 1').pluck(),
    // Bounded by the emoji a message may have: one index range per message.
    emojiCount: st('SELECT count(DISTINCT emoji) FROM reactions WHERE message_id = ?').pluck(),
    insert: st('INSERT INTO reactions (message_id, emoji, user, id) VALUES (?, ?, ?, ?)'),
    remove: st('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user = ?'),
    counts: st(`
      SELECT message_id, emoji, count(*) AS count, max(user = @reader) AS me
      FROM reactions WHERE message_id IN (SELECT value FROM json_each(@ids))
      GROUP BY message_id, emoji ORDER BY message_id, min(id)`),
  };
}

/**
 * Emoji reactions in the SQLite store: a change goes through the group commit with its event, in one commit;
 * reads see what was committed. The rows go with their message (deleteMessage, and a trigger for whatever
 * deletes a message row: retention, a deleted user's queue).
 */
export class SqliteReactions {
  private readonly statements: ReturnType<typeof prepareReactionStatements>;

  constructor(
    db: Database,
    private readonly changes: ChangeWrites,
  ) {
    this.statements = prepareReactionStatements(db);
  }

  set(reaction: Reaction, on: boolean, maxEmoji: number, event: NewEvent): Promise<ReactionChange> {
    const w = this.changes;
    const id = w.nextId();
    return w.commits.submit(
      (): ReactionChange => {
        const refusal = this.refusal(reaction, on, maxEmoji);
        if (refusal) return refusal;
        const { message, emoji, user } = reaction;
        if (on) this.statements.insert.run(message, emoji, user, id);
        else this.statements.remove.run(message, emoji, user);
        w.queues.event(id, event);
        return id;
      },
      (change) => {
        if (typeof change === 'number') w.feed.tellEvent(change, event);
        return change;
      },
    );
  }

  async counts(reader: string, ids: readonly number[]): Promise<ReadonlyMap<number, readonly ReactionCount[]>> {
    const out = new Map<number, ReactionCount[]>();
    if (ids.length === 0) return out;
    const rows = this.statements.counts.all({ reader, ids: JSON.stringify(ids) }) as {
      message_id: number;
      emoji: string;
      count: number;
      me: number;
    }[];
    for (const { message_id, emoji, count, me } of rows) {
      let list = out.get(message_id);
      if (!list) out.set(message_id, (list = []));
      list.push({ emoji, count, me: me === 1 });
    }
    return out;
  }

  /** Why the change cannot be made, or undefined when it can. */
  private refusal({ message, emoji, user }: Reaction, on: boolean, maxEmoji: number): ReactionChange | undefined {
    const s = this.statements;
    if (s.reactable.get(message) === undefined) return 'gone';
    if (on === (s.has.get(message, emoji, user) !== undefined)) return 'unchanged';
    if (on && s.hasEmoji.get(message, emoji) === undefined && (s.emojiCount.get(message) as number) >= maxEmoji) {
      return 'too_many';
    }
    return undefined;
  }
}
