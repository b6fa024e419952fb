import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childLines } from './child-lines.js';
import { tempDir } from './process.js';
import { freePort } from './redis-server.js';
import { stopAtEnd } from './stop-at-end.js';

/** Debian's package `prometheus-alertmanager` puts it here; `.ci/run` installs it when missing. */
const alertmanagerPath = '/usr/bin/prometheus-alertmanager';
/** How long a start may take before it counts as failed, and how long SIGTERM has before SIGKILL (ms). */
const startTimeoutMs = 10_000;
const stopGraceMs = 5_000;
/** How long `until` waits when not told (ms). */
const untilTimeoutMs = 10_000;

export interface Alertmanager {
  /** `http://127.0.0.1:<port>`: its API and web page. */
  readonly url: string;
  readonly pid: number;
  /** Every line it logged so far (logfmt, on standard error), in order. */
  readonly lines: string[];
  /** Resolves once `condition` holds for the lines so far; rejects when it exits first or after `timeoutMs`. */
  until(condition: (lines: readonly string[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Sends alerts to `POST /api/v2/alerts`; rejects unless they were accepted. */
  postAlerts(alerts: readonly PostableAlert[]): Promise<void>;
  /** SIGTERM, then SIGKILL after a bound; harmless once stopped. */
  stop(): Promise<void>;
}

/** One alert as Alertmanager's API v2 takes it (what Prometheus sends). */
export interface PostableAlert {
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly startsAt?: string;
  readonly endsAt?: string;
  readonly generatorURL?: string;
}

/**
 * Starts Debian's Alertmanager on a free loopback port with `config` (alertmanager.yml) and storage in a temporary
 * directory of its own, clustering off, logging at debug so that every notification attempt shows. Resolves once
 * it says it listens; rejects, having stopped it, when it exits first or takes too long.
 */
export async function startAlertmanager(config: string): Promise<Alertmanager> {
  const dir = tempDir('parley-alertmanager-');
  const configFile = join(dir, 'alertmanager.yml');
  writeFileSync(configFile, config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    alertmanagerPath,
    [
      `--config.file=${configFile}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      `--web.external-url=${url}`,
      '--cluster.listen-address=',
      '--log.level=debug',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid;
  if (pid === undefined)
    throw new Error(`cannot start ${alertmanagerPath}; install the Debian package prometheus-alertmanager`);
  const exited = once(child, 'exit');
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const stop = async (): Promise<void> => {
    if (gone()) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
    await exited;
    clearTimeout(timer);
  };
  const release = stopAtEnd(stop);
  void exited.then(release);

  const { lines, until } = childLines(child, exited, "Alertmanager's log");

  try {
    await until((logged) => logged.some((line) => line.includes('msg="Listening on"')), startTimeoutMs);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url,
    pid,
    lines,
    until: (condition, timeoutMs = untilTimeoutMs) => until(condition, timeoutMs),
    async postAlerts(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    stop,
  };
}
