/**
 * Runs fan-outs in the order their messages were accepted, which is id order. One may be deferred to the next
 * turn of the event loop (a broadcast is thousands of writes: the sender's 202 goes out first); every fan-out
 * accepted after it then waits behind it, so no stream ever gets a later message before an earlier one (a live
 * stream skips ids at or below its position).
 */
export class FanOutOrder {
  private readonly backlog: (() => void)[] = [];

  constructor(private readonly onError: (err: unknown) => void) {}

  run(defer: boolean, fanOut: () => void): void {
    if (!defer && this.backlog.length === 0) return fanOut();
    this.backlog.push(fanOut);
    if (this.backlog.length > 1) return;
    setImmediate(() => {
      // Fan-outs queued while this runs are run by it too.
      for (let i = 0; i < this.backlog.length; i++) {
        try {
          this.backlog[i]!();
        } catch (err) {
          this.onError(err);
        }
      }
      this.backlog.length = 0;
    });
  }
}
