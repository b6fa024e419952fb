import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeliveredMarks } from '../../src/store/delivered-marks.js';

describe('the delivered positions a store coalesces', () => {
  let rounds: number;
  let marks: DeliveredMarks;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    rounds = 0;
    marks = new DeliveredMarks(1_000, () => rounds++);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the newest position per user, never one further back', () => {
    marks.mark('bob', 5);
    marks.mark('bob', 3);
    marks.mark('carol', 2);
    expect(marks.newest('bob')).toBe(5);
    expect(marks.newest('carol')).toBe(2);
    expect(marks.newest('dave')).toBe(0);
    expect(marks.size).toBe(2);
  });

  it('ends a round a delay after its first position, once however many come, and makes them due then', () => {
    marks.mark('bob', 1);
    vi.advanceTimersByTime(600);
    marks.mark('bob', 2);
    marks.mark('carol', 1);
    expect(marks.take()).toBeUndefined();
    vi.advanceTimersByTime(400);
    expect(rounds).toBe(1);
    expect(marks.isDue).toBe(true);
    expect([...marks.take()!]).toEqual([
      ['bob', 2],
      ['carol', 1],
    ]);
    expect(marks.isDue).toBe(false);
    vi.advanceTimersByTime(5_000);
    expect(rounds).toBe(1);
  });

  it('hands out a round in slices, but everything after a flush', () => {
    for (let i = 1; i <= 5; i++) marks.mark(`u${i}`, i);
    vi.advanceTimersByTime(1_000);
    expect([...marks.take(2)!.keys()]).toEqual(['u1', 'u2']);
    expect(marks.isDue).toBe(true);
    marks.flush();
    expect([...marks.take(2)!.keys()]).toEqual(['u3', 'u4', 'u5']);
    expect(marks.take(2)).toBeUndefined();
  });

  it('counts a position being written as the newest until it is written', () => {
    marks.mark('bob', 4);
    marks.flush();
    const batch = marks.take()!;
    expect(marks.size).toBe(0);
    expect(marks.newest('bob')).toBe(4);
    marks.written(batch);
    expect(marks.newest('bob')).toBe(0);
  });

  it('keeps the positions of a failed write for the next one, without moving back one marked meanwhile', () => {
    marks.mark('bob', 4);
    marks.mark('carol', 4);
    marks.flush();
    const batch = marks.take()!;
    marks.mark('bob', 9);
    marks.restore(batch);
    expect(marks.isDue).toBe(true);
    expect(new Map(marks.take()!)).toEqual(
      new Map([
        ['bob', 9],
        ['carol', 4],
      ]),
    );
  });

  it('forgets a deleted user, and arms no round once closed', () => {
    marks.mark('bob', 4);
    marks.forget('bob');
    expect(marks.newest('bob')).toBe(0);
    marks.close();
    marks.take();
    marks.mark('carol', 1);
    vi.advanceTimersByTime(5_000);
    expect(rounds).toBe(0);
    expect(marks.size).toBe(1);
  });
});
