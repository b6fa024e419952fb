import { afterEach, beforeEach } from 'vitest';
import type { Feed, FeedEvent, Store } from '../../../src/core/ports/index.js';
import { Watched } from '../../support/watched.js';

/** What the suite runs against: a fresh, empty store, and the feed its writes are told to. */
export interface ContractBackend {
  readonly store: Store;
  readonly feed: Feed;
  /**
   * When the feed hears a write of this process: `at once` for a feed of one process (memory, SQLite), told
   * before the write's promise resolves; `soon after` for a feed that processes share (Redis), which hears it
   * from the server a moment later, in the same order.
   */
  readonly feedTells: 'at once' | 'soon after';
}

/** Opens a fresh, empty backend; called before every test. */
export type MakeBackend = () => Promise<ContractBackend>;

/** What a feed told since the test started listening, in order. */
export interface FeedLog {
  readonly events: readonly FeedEvent[];
  /**
   * Every event told so far, once there are at least `count`. A feed that tells at once must have them already
   * when this is called right after a write resolves; another one is waited for (a few seconds at most).
   * Nothing told is checked with a write after it: its event must be the next one.
   */
  told(count: number): Promise<FeedEvent[]>;
}

/** The backend of the running test. */
export interface FreshBackend {
  readonly store: Store;
  /** Starts the feed, once per test, recording every event it tells from then on. */
  listen(): Promise<FeedLog>;
}

/**
 * Opens a backend with `make` before each test of the calling block and closes it (its feed first) after; the
 * function returned gives the running test's.
 */
export function freshBackend(make: MakeBackend): () => FreshBackend {
  let backend: ContractBackend | undefined;
  let listening = false;
  beforeEach(async () => {
    backend = await make();
    listening = false;
  });
  afterEach(async () => {
    if (listening) await backend!.feed.stop();
    await backend!.store.close();
  });
  return () => {
    const { store, feed, feedTells } = backend!;
    return {
      store,
      listen: async () => {
        listening = true;
        const events: FeedEvent[] = [];
        const watched = new Watched();
        await feed.start((event) => {
          events.push(event);
          watched.changed();
        });
        return {
          events,
          told: (count) => (feedTells === 'at once' ? toldAlready(events, count) : toldSoon(watched, events, count)),
        };
      },
    };
  };
}

async function toldAlready(events: FeedEvent[], count: number): Promise<FeedEvent[]> {
  if (events.length < count)
    throw new Error(
      `the write resolved before its event: the feed had told ${events.length} of ${count} (${JSON.stringify(events)})`,
    );
  return [...events];
}

function toldSoon(watched: Watched, events: FeedEvent[], count: number): Promise<FeedEvent[]> {
  return watched.until(
    () => (events.length >= count ? [...events] : undefined),
    5_000,
    (why) => `${why} with ${events.length} of ${count} events told: ${JSON.stringify(events)}`,
  );
}
