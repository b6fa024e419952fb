/**
 * Message ids: the time each was assigned, in microseconds since 2020-01-01 UTC, raised by one where that
 * would not exceed the last id. So ids strictly increase, and a store that went back in time (restored from a
 * backup, failed over to a replica that lagged) still assigns ids above every id it had handed out before: the
 * clock has moved on past them. A device that saw an id the store lost is told so, never sent a second message
 * under the same id. They stay exact in a JavaScript number (and in Redis scores) until the year 2305.
 */
export const idEpochMs = Date.UTC(2020, 0, 1);

/** The id to assign after `lastId` at `nowMs` (epoch milliseconds). */
export function nextId(lastId: number, nowMs: number): number {
  return Math.max(lastId + 1, Math.floor(nowMs - idEpochMs) * 1000);
}

/** When an id was assigned, in epoch milliseconds: exact for ids assigned at their clock time, a bound otherwise. */
export function assignedAt(id: number): number {
  return idEpochMs + Math.floor(id / 1000);
}

/** The lowest id the clock gives at `ms` (epoch milliseconds): an id assigned then or later is at least this. */
export function firstIdAt(ms: number): number {
  return Math.max(0, Math.floor(ms - idEpochMs) * 1000);
}
