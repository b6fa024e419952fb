/**
 * Output that grows over time (stream events, a client's lines) and can end. Tests wait on a condition over it,
 * woken by each change: never by polling, never by sleeping.
 */
export class Watched {
  private readonly waiters = new Set<() => void>();
  private finished = false;

  /** Call after each addition. */
  changed(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Call once nothing more can come. */
  end(): void {
    this.finished = true;
    this.changed();
  }

  /**
   * Resolves with the first defined result of `probe`, checked now and after every change; rejects with
   * `explain('ended')` when the output ends first, or `explain('timeout')` after `timeoutMs`.
   */
  until<T>(probe: () => T | undefined, timeoutMs: number, explain: (why: 'ended' | 'timeout') => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        const result = probe();
        if (result !== undefined) {
          cleanup();
          resolve(result);
        } else if (this.finished) {
          cleanup();
          reject(new Error(explain('ended')));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(explain('timeout')));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
