import { describe, expect, it, vi } from 'vitest';
import { CommandDeadlines, CommandTimeoutError } from '../../src/store/redis/command-deadlines.js';

const never = () => new Promise<never>(() => undefined);

describe('the deadlines of the commands in flight on a Redis link', () => {
  it('passes on answers and failures as they come', async () => {
    const deadlines = new CommandDeadlines(1_000, 10);
    await expect(deadlines.track(Promise.resolve('OK'))).resolves.toBe('OK');
    await expect(deadlines.track(Promise.reject(new Error('NOSCRIPT')))).rejects.toThrow('NOSCRIPT');
    deadlines.stop();
  });

  it('fails a command left unanswered past the deadline, and none answered in time behind it', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    try {
      const deadlines = new CommandDeadlines(1_000, 100);
      const stuck = deadlines.track(never());
      const failed = expect(stuck).rejects.toBeInstanceOf(CommandTimeoutError);
      vi.advanceTimersByTime(600);
      let answer!: (value: string) => void;
      const later = deadlines.track(new Promise<string>((resolve) => (answer = resolve)));
      vi.advanceTimersByTime(500);
      await failed;
      answer('late but in time');
      await expect(later).resolves.toBe('late but in time');
      deadlines.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps no entry of a command once answered, and no timer once none is in flight', async () => {
    const deadlines = new CommandDeadlines(1_000, 5);
    await Promise.all(Array.from({ length: 5_000 }, (_, i) => deadlines.track(Promise.resolve(i))));
    await new Promise((resolve) => setTimeout(resolve, 30));
    const inside = deadlines as unknown as { inFlight: unknown[]; timer: unknown };
    expect(inside.inFlight).toHaveLength(0);
    expect(inside.timer).toBeUndefined();
  });
});
