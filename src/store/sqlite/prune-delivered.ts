import type { Database } from 'better-sqlite3';
import type { RetentionPolicy } from '../../core/ports/index.js';
import { deliveredToAll, type Floor } from '../broadcast-floor.js';
import type { Statements } from './statements.js';

/**
 * Retention, in one transaction: removes delivered queue rows sent before the policy's age, user by user, then
 * the oldest broadcasts every user they reach has had delivered, at most `policy.batch` in all; raises the pruned
 * position of those who read them. A text goes with the last row that refers to it. Returns how many went.
 */
export function pruneDelivered(db: Database, s: Statements, policy: RetentionPolicy): number {
  let removed = 0;
  db.transaction(() => {
    for (const { name, delivered_id: deliveredId } of s.pruneCandidates.all() as {
      name: string;
      delivered_id: number;
    }[]) {
      const room = policy.batch - removed;
      if (room <= 0) break;
      const cut: number[] = [];
      for (const row of s.oldestDelivered.iterate(name, deliveredId, room) as Iterable<{
        id: number;
        sent_at: number;
      }>) {
        if (row.sent_at >= policy.olderThan) break;
        cut.push(row.id);
      }
      if (cut.length === 0) continue;
      const prunedId = cut[cut.length - 1]!;
      s.deleteQueueRows.run(name, prunedId);
      s.setPruned.run(prunedId, name);
      for (const id of cut) s.deleteUnreferencedMessage.run(id, id);
      removed += cut.length;
    }
    removed += pruneBroadcasts(s, policy, policy.batch - removed);
  })();
  return removed;
}

/** The oldest broadcasts that every user they reach has had delivered, up to `room` of them. */
function pruneBroadcasts(s: Statements, policy: RetentionPolicy, room: number): number {
  if (room <= 0) return 0;
  const floors = s.lowestFloors.all() as Floor[];
  let through = 0;
  let cut = 0;
  for (const row of s.oldestBroadcasts.iterate(room) as Iterable<{ id: number; sender: string; sent_at: number }>) {
    if (row.sent_at >= policy.olderThan || !deliveredToAll({ id: row.id, from: row.sender }, floors)) break;
    through = row.id;
    cut++;
  }
  if (cut === 0) return 0;
  s.deleteBroadcastMessages.run(through);
  s.deleteBroadcasts.run(through);
  s.raisePrunedOfReaders.run(through, through);
  return cut;
}
