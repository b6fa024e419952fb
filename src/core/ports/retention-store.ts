export interface RetentionPolicy {
  /** Delivered messages sent before this instant (epoch ms) are pruned; undelivered ones never are. */
  readonly olderThan: number;
  /** At most this many messages are removed by one call, so pruning never stalls a request. */
  readonly batch: number;
}

export interface PruneResult {
  /** How many queue rows and broadcasts went; fewer than the batch means the store is within the policy. */
  readonly removed: number;
}

/**
 * Retention: a message is removed only once delivered and older than the policy. A broadcast goes once every
 * user it reaches has had it delivered. What went raises the `prunedId` of those who read it.
 */
export interface RetentionStore {
  /** Removes delivered messages past the policy, at most `policy.batch` of them. */
  prune(policy: RetentionPolicy): Promise<PruneResult>;
}
