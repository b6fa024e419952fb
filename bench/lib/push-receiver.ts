// The benchmark's side of its push service stand-in (bench/load/push-service.ts): starts it, makes devices, says
// what they answer, and keeps what each device was pushed, in the order it arrived.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { repoRoot } from '../../test/support/process.js';
import type { PushDevice, PushServiceCommand, PushServiceNews } from '../load/push-service.js';
import { Signal } from './async.js';
import type { IntegritySum } from './load-workers.js';

export type { PushDevice };

const script = join(repoRoot, 'bench/load/push-service.ts');
const running = new Set<ChildProcess>();

/** Kills every push service still running (when the whole run is cut short). */
export function killPushServices(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** What one device was pushed: message ids in the order they came, and when (wallMs). */
export class DeviceLog {
  readonly ids: string[] = [];
  readonly at = new Map<string, number>();
  refused = 0;
  bytes = 0;

  /** Against the ids it should have had, each once, ascending. */
  check(expected: readonly string[]): IntegritySum {
    const seen = new Set(this.ids);
    let outOfOrder = 0;
    for (let i = 1; i < this.ids.length; i++) if (BigInt(this.ids[i]!) <= BigInt(this.ids[i - 1]!)) outOfOrder++;
    const wanted = new Set(expected);
    return {
      streams: 1,
      received: this.ids.length,
      missing: expected.filter((id) => !seen.has(id)).length,
      duplicate: this.ids.length - seen.size,
      outOfOrder,
      unexpected: [...seen].filter((id) => !wanted.has(id)).length,
      lost: 0,
      ended: 0,
    };
  }
}

export class PushReceiver {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();
  private readonly logs = new Map<number, DeviceLog>();
  private readonly changed = new Signal();
  private readonly exited: Promise<unknown>;
  /** Requests it could not read as a push, with the first reason. */
  bad = 0;
  firstBad: string | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    this.exited = once(child, 'exit');
    void this.exited.then(() => {
      running.delete(child);
      for (const waiter of this.pending.values()) waiter.reject(new Error('the push service exited'));
      this.pending.clear();
    });
    child.on('message', (news: PushServiceNews) => {
      switch (news.op) {
        case 'reply':
          this.pending.get(news.seq)?.resolve(news.result);
          this.pending.delete(news.seq);
          return;
        case 'pushed': {
          const log = this.log(news.device);
          log.ids.push(news.id);
          log.bytes += news.bytes;
          if (!log.at.has(news.id)) log.at.set(news.id, news.at);
          break;
        }
        case 'refused':
          this.log(news.device).refused++;
          break;
        case 'bad':
          this.bad++;
          this.firstBad ??= `device ${news.device}: ${news.error}`;
          break;
      }
      this.changed.notify();
    });
  }

  static async start(): Promise<PushReceiver> {
    const child = fork(script, [], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    running.add(child);
    const ready = await new Promise<PushServiceNews>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) =>
        reject(new Error(`the push service exited with ${String(code)} before it was ready`)),
      );
    });
    if (ready.op !== 'ready') throw new Error(`the push service said ${ready.op} first`);
    return new PushReceiver(child, ready.url);
  }

  private call(command: PushServiceCommand): Promise<unknown> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.child.send({ ...command, seq });
    });
  }

  /** `count` new devices, each with keys of its own, answered 201 until told otherwise. */
  async devices(count: number): Promise<PushDevice[]> {
    return (await this.call({ op: 'devices', count })) as PushDevice[];
  }

  async answer(devices: readonly PushDevice[], status: number): Promise<void> {
    await this.call({ op: 'answer', devices: devices.map((d) => d.index), status });
  }

  log(device: number | PushDevice): DeviceLog {
    const index = typeof device === 'number' ? device : device.index;
    let log = this.logs.get(index);
    if (!log) this.logs.set(index, (log = new DeviceLog()));
    return log;
  }

  /** Resolves true once `done` holds (checked at each request), false after `ms` without it. */
  until(done: () => boolean, ms: number): Promise<boolean> {
    return this.changed.until(done, ms);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.disconnect();
    await this.exited;
  }
}
