import type { QueuedMsgform } from '../../src/core/msgform.js';
import type { LostNotice, StreamSink } from '../../src/core/delivery/stream-session.js';

/**
 * A stream's transport in memory: records the message ids and lost notices it is sent. It takes writes until its
 * client pauses, then refuses more (the write that finds it full is still taken, as a socket's is) until the
 * client reads again and it drains.
 */
export class RecordingSink implements StreamSink {
  readonly ids: number[] = [];
  readonly notices: LostNotice[] = [];
  paused = false;
  private drain: (() => void) | undefined;
  private waiting = false;

  message(entry: QueuedMsgform): boolean {
    this.ids.push(entry.id);
    if (!this.paused) return true;
    this.waiting = true;
    return false;
  }
  lost(notice: LostNotice): void {
    this.notices.push(notice);
  }
  sent(): boolean {
    return true;
  }
  presence(): boolean {
    return true;
  }
  heartbeat(): boolean {
    return true;
  }
  onDrain(listener: () => void): void {
    this.drain = listener;
  }
  end(): void {}

  /** The client reads again: a full transport drains. */
  read(): void {
    this.paused = false;
    if (!this.waiting) return;
    this.waiting = false;
    this.drain?.();
  }
}
