import type { Feed, FeedEvent } from '../ports/index.js';

/**
 * Who has a stream open on any process, kept in memory from the feed's presence events, so that asking costs no
 * round trip: read once on start, and again after a gap (presence events may have been missed).
 */
export class OnlineUsers {
  private online = new Set<string>();

  constructor(
    private readonly feed: Pick<Feed, 'onlineUsers'>,
    private readonly onError: (err: unknown) => void,
  ) {}

  async load(): Promise<void> {
    this.online = new Set(await this.feed.onlineUsers());
  }

  has(name: string): boolean {
    return this.online.has(name);
  }

  notice(event: FeedEvent): void {
    if (event.kind === 'presence') {
      if (event.online) this.online.add(event.name);
      else this.online.delete(event.name);
    } else if (event.kind === 'gap') {
      this.load().catch(this.onError);
    }
  }
}
