import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { CapturedLog } from './log-capture.js';

const purgedMessage = 'checkpointed the WAL after a deletion';

/** How many WAL checkpoints after a deletion the SQLite store has logged so far. */
export function purgesSoFar(logs: CapturedLog): number {
  return logs.entries.filter((e) => e.msg === purgedMessage).length;
}

/**
 * Waits for the checkpoint that follows a deletion (one more than `before`), then reads the database and its
 * write-ahead log as bytes: neither may hold `text`.
 */
export async function expectGoneFromDatabaseFiles(
  logs: CapturedLog,
  dataDir: string,
  before: number,
  text: string,
): Promise<void> {
  await logs.until((e) => e.msg === purgedMessage && purgesSoFar(logs) > before);
  const files = ['parley.db', 'parley.db-wal'].map((name) => join(dataDir, name)).filter((file) => existsSync(file));
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) expect(readFileSync(file).includes(text), file).toBe(false);
}
