import type { StreamSession } from './stream-session.js';

/**
 * What this process knows of one user: a few numbers, whatever their traffic. The messages themselves are in
 * the store; a stream that is not caught up reads them from there.
 */
export class Reader {
  /** The highest id written to any stream of this user, here or (as last read from the store) elsewhere. */
  deliveredId = 0;
  /** The highest id fanned out to this user while a stream of theirs was open; a stream caught up to it is live. */
  lastId = 0;
  readonly streams = new Set<StreamSession>();
  /** Streams `admit` counted on the feed that have yet to open. */
  admitted = 0;

  constructor(readonly name: string) {}
}
