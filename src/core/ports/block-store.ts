import type { NewEvent } from './change-store.js';

/** Who keeps whom out: a blocker and the user they blocked. */
export interface Block {
  readonly blocker: string;
  readonly blocked: string;
}

/** Blocks between users. */
export interface BlockStore {
  /** Every block, for a process to keep in memory (the feed's `blocks` events keep it current). */
  loadBlocks(): Promise<Block[]>;
  /**
   * Blocks (`on`) or unblocks, and appends `event` (a `blocks` event on the blocker's own queue, so that every
   * device of theirs hears it) in one step. Resolves with the event's id, or undefined, writing nothing, when
   * the block was already as asked.
   */
  setBlock(block: Block, on: boolean, event: NewEvent): Promise<number | undefined>;
}
