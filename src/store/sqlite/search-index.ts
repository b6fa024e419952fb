import type { Database, Statement } from 'better-sqlite3';
import type { Logger } from 'pino';

/** Messages indexed a transaction: a few milliseconds of the event loop each. */
const batchSize = 2_000;

/**
 * Keeps the trigram index (`message_search`, migrations 12 and 13) up to the stored messages, in batches, off
 * the send's path.
 *
 * The index covers the messages up to a position (`search_indexed_id` in `counters`): each of them that is
 * neither an event nor deleted has its entry, and nothing else has one. The triggers of migration 13 keep an
 * edit or a removal of a covered message in step in the same transaction; a message above the position is
 * indexed as it then is when the position passes it, so an old text is never indexed.
 *
 * A search first brings the index up to the newest message, so that it finds everything stored before it began.
 * From then on (once the position is above 0: after a database's first search, or from the start for one whose
 * index migration 12 built) the messages stored since are indexed every `delayMs`, up to 2,000 a transaction,
 * which costs a message a fraction of what a trigger did (FTS5 writes a segment per savepoint, and every send is
 * one), and keeps what a search has to add to a second's worth. Until a database's first search, nothing is
 * indexed at all; that search then indexes what was stored before it (about 10 µs of CPU a message), a batch at
 * a time, letting the event loop serve others between batches.
 *
 * The index is derived from `messages`: its transactions are not the sends', and a crash that loses one loses
 * its position with it.
 */
export class SearchIndex {
  private position: number;
  private timer: NodeJS.Timeout | undefined;
  /** Whether the pass every `delayMs` runs. */
  private keeping = false;
  private closed = false;
  private readonly readPosition: Statement;
  private readonly newest: Statement;
  private readonly batchEnd: Statement;
  private readonly indexRows: Statement;
  private readonly setPosition: Statement;
  private readonly indexBatch: (through: number) => void;

  constructor(
    db: Database,
    private readonly log: Pick<Logger, 'error'>,
    private readonly delayMs: number,
  ) {
    this.readPosition = db.prepare(`SELECT value FROM counters WHERE name = 'search_indexed_id'`).pluck();
    this.newest = db.prepare('SELECT max(id) FROM messages').pluck();
    this.batchEnd = db
      .prepare('SELECT max(id) FROM (SELECT id FROM messages WHERE id > ? AND id <= ? ORDER BY id LIMIT ?)')
      .pluck();
    this.indexRows = db.prepare(`
      INSERT INTO message_search (rowid, text)
      SELECT id, text FROM messages WHERE id > ? AND id <= ? AND kind <> 'event' AND deleted = 0`);
    this.setPosition = db.prepare(`UPDATE counters SET value = ? WHERE name = 'search_indexed_id'`);
    this.indexBatch = db.transaction((through: number) => {
      this.indexRows.run(this.position, through);
      this.setPosition.run(through);
    });
    this.position = this.readPosition.get() as number;
    this.keepUp();
  }

  /** The newest message the index covers. */
  get indexedId(): number {
    return this.position;
  }

  /**
   * Indexes every message stored so far, a batch at a time, letting the event loop run between batches.
   * Resolves once the position has reached the newest message stored when it was called.
   */
  async catchUp(): Promise<void> {
    const target = (this.newest.get() as number | null) ?? 0;
    while (!this.closed && this.position < target) {
      this.step(target);
      if (this.position < target) await new Promise((resolve) => setImmediate(resolve));
    }
    this.keepUp();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  /** One batch: up to `batchSize` messages above the position, no further than `target`. */
  private step(target: number): void {
    const through = (this.batchEnd.get(this.position, target, batchSize) as number | null) ?? target;
    this.indexBatch(through);
    this.position = through;
  }

  /** Starts the pass every `delayMs` once the index is in use. */
  private keepUp(): void {
    if (this.keeping || this.position === 0) return;
    this.keeping = true;
    this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.catchUp().then(
        () => this.schedule(),
        (err: unknown) => {
          this.log.error({ err }, 'could not bring the search index up to the messages; trying again');
          this.schedule();
        },
      );
    }, this.delayMs);
    this.timer.unref();
  }
}
