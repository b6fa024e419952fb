import { closeSync, openSync } from 'node:fs';

export type StopSignal = 'SIGTERM' | 'SIGINT';

/**
 * Calls `stop` on the first SIGTERM or SIGINT. Each signal is heard once: the same one again gets Node's default,
 * so a second Ctrl-C ends a shutdown that hangs.
 */
export function onStopSignal(stop: (signal: StopSignal) => void): void {
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      // Ctrl-C reaches every process of the terminal's group, and a primary adds SIGTERM: one shutdown each.
      if (stopping) return;
      stopping = true;
      stop(signal);
    });
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
