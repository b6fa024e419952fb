import type { SharedEvent } from './stream-session.js';

/**
 * Coalesces presence changes (online, offline, newly registered) into one event per interval, encoded once and
 * written to every stream: a burst of thousands of connections costs one event per stream, not thousands.
 */
export class Presence {
  private readonly changes = new Map<string, boolean>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** How long changes are gathered before they are published. @default 250 (ms) */
    private readonly delayMs: number,
    private readonly publish: (event: SharedEvent) => void,
  ) {}

  changed(name: string, online: boolean): void {
    this.changes.set(name, online);
    this.timer ??= setTimeout(() => this.flush(), this.delayMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.changes.size === 0) return;
    const users = [...this.changes].map(([name, online]) => ({ name, online }));
    this.changes.clear();
    this.publish({ json: JSON.stringify({ users }) });
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
