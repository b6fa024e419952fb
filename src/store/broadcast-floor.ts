import type { Message } from '../core/msgform.js';

/** A user's floor: the position below which they have nothing left to read from the broadcast log. */
export interface Floor {
  readonly name: string;
  readonly floor: number;
}

/**
 * Whether every user a broadcast reaches has had it delivered, given the users' floors lowest first (only the first
 * two matter). Its sender does not read it, so when the sender has the lowest floor, the second lowest decides.
 */
export function deliveredToAll(message: Pick<Message, 'id' | 'from'>, floors: readonly Floor[]): boolean {
  const [lowest, second] = floors;
  if (!lowest || lowest.floor >= message.id) return true;
  return lowest.name === message.from && (second === undefined || second.floor >= message.id);
}
