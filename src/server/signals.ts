import { closeSync, openSync } from 'node:fs';

export type StopSignal = 'SIGTERM' | 'SIGINT';

/**
 * A repeat of the stop signal this soon after it is the same stop delivered twice (ms): a Ctrl-C reaches every
 * process of the terminal's group, and under `npm start` npm relays it to the server as well.
 */
const sameStopMs = 1_000;

/**
 * Calls `stop` on the first SIGTERM or SIGINT. The same signal again, later than `sameStopMs`, gets Node's
 * default, so a second Ctrl-C ends a shutdown that hangs.
 */
export function onStopSignal(stop: (signal: StopSignal) => void): void {
  let stopping: { signal: StopSignal; at: number } | undefined;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    const onSignal = () => {
      // Ctrl-C reaches every process of the terminal's group, and a primary adds SIGTERM: one shutdown each.
      if (stopping === undefined) {
        stopping = { signal, at: performance.now() };
        stop(signal);
      } else if (stopping.signal === signal && performance.now() - stopping.at >= sameStopMs) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/**
 * Calls `reload` on SIGHUP, as daemons reload (an ACME client's deploy hook sends it). A terminal that closes
 * sends SIGHUP too, after taking itself away from the process: that one still ends the process at once, as it
 * always did (its output is gone with the terminal, so there is nothing to log a shutdown to).
 */
export function onReloadSignal(reload: () => void): void {
  const startedInTerminal = hasTerminal();
  function onHangUp(): void {
    if (startedInTerminal && !hasTerminal()) {
      process.off('SIGHUP', onHangUp);
      process.kill(process.pid, 'SIGHUP');
      return;
    }
    reload();
  }
  process.on('SIGHUP', onHangUp);
}

/** Whether the process has a controlling terminal (a hangup takes it away). */
function hasTerminal(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r'));
    return true;
  } catch {
    return false;
  }
}
