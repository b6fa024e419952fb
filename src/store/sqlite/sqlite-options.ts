import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { LocalFeed } from '../local-feed.js';
import type { GroupCommitOptions } from './group-commit.js';

/**
 * What the SQLite backend needs: an open connection (the composition root opened the file), a logger, and the
 * feed it tells each write once it is durable (a new one of its own when absent).
 */
export interface SqliteDeps {
  readonly db: Database;
  readonly log: Logger;
  readonly feed?: LocalFeed;
}

export interface SqliteOptions extends GroupCommitOptions {
  /**
   * After a message was deleted, the WAL is checkpointed and truncated this much later (ms), so that the older
   * page images holding its text leave the disk soon; deletions in the meantime share one checkpoint.
   * @default 1_000
   */
  readonly purgeDelayMs: number;
  /**
   * Delivered positions are gathered this long, then written a thousand a commit (ms): a broadcast to thousands
   * of online users moves thousands of positions, and writing them with every message would cost a row per
   * recipient again. A crash loses at most this much of them (streams opened without a resume position then
   * repeat those messages). @default 1_000
   */
  readonly markDelayMs: number;
  /**
   * Once a database was searched, the messages stored since are added to the search index this often (ms), in
   * batches (a search adds those still missing first; see SearchIndex). @default 1_000
   */
  readonly searchIndexDelayMs: number;
  /** Dates the ids (epoch ms). @default Date.now */
  readonly clock: () => number;
}
