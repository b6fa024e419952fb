import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';
import type { MetricsServer } from '../metrics/metrics-server.js';
import { warnIfOpenToAll } from '../server/open-registration.js';
import { onReloadSignal, onStopSignal, type StopSignal } from '../server/signals.js';
import { isListeningMessage } from './messages.js';
import { restartDelay } from './restart-backoff.js';

/**
 * How long the workers have to drain after SIGTERM before they are killed (ms): a worker gives requests in flight
 * 5 s, then flushes and closes its store.
 */
export const drainBoundMs = 15_000;

/** One of the N places a worker runs in; a replacement takes the place of the worker that died. */
interface Slot {
  worker: Worker | undefined;
  startedAt: number;
  listening: boolean;
  /** Workers of this slot in a row that died at once (restart-backoff.ts). */
  quickDeaths: number;
  restart: NodeJS.Timeout | undefined;
}

/**
 * The primary of --workers N: forks N workers (each runs the server, `serve(config, log, 'worker')`), which share
 * the one port through node:cluster; logs `parley is listening` once all N listen; replaces a worker that dies,
 * backing off when they die at once; on SIGTERM or SIGINT drains them all and exits (0 when every worker closed
 * gracefully); forwards SIGHUP. With --metrics-port it serves the workers' metrics, summed. The process exits
 * from here: 1 when the workers could not start.
 */
export async function runPrimary(config: Config, log: Logger): Promise<void> {
  // The workers share one listener only if they all ask for the same port: with --port 0 the primary picks a
  // free one first, so that a replacement started after every worker died still gets the same port (the port is
  // free again for a moment in between, as with any probe).
  let port: number;
  let metricsServer: MetricsServer | undefined;
  try {
    port = config.port === 0 ? await freePort(config.host) : config.port;
    if (config.metricsPort !== '') {
      // Loaded with --metrics-port alone, as in a worker.
      const [{ workersMetrics }, { listenMetrics }] = await Promise.all([
        import('../metrics/worker-metrics.js'),
        import('../metrics/metrics-server.js'),
      ]);
      metricsServer = await listenMetrics(
        workersMetrics(listeningWorkers),
        config.metricsHost,
        config.metricsPort,
      ).catch((err: Error) => {
        throw new Error(
          `cannot serve metrics on ${config.metricsHost}:${config.metricsPort} (--metrics-host, ` +
            `--metrics-port): ${err.message}`,
        );
      });
      log.info({ url: metricsServer.url, summedOver: config.workers }, 'metrics are served');
    }
  } catch (err) {
    log.fatal({ err }, 'parley could not start');
    console.error(`parley: could not start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
  // A worker reads the same flags and environment as the primary; the last --port wins.
  cluster.setupPrimary({ args: [...process.argv.slice(2), '--port', String(port)] });

  const slots: Slot[] = Array.from({ length: config.workers }, () => ({
    worker: undefined,
    startedAt: 0,
    listening: false,
    quickDeaths: 0,
    restart: undefined,
  }));
  let announced = false;
  let stopping: Promise<void> | undefined;
  let failed = false;

  function listeningWorkers(): Worker[] {
    return slots.flatMap((slot) => (slot.listening && slot.worker ? [slot.worker] : []));
  }

  function start(slot: Slot, replaces?: number): void {
    const worker = cluster.fork();
    Object.assign(slot, { worker, startedAt: Date.now(), listening: false, restart: undefined });
    log.info(
      { worker: worker.id, pid: worker.process.pid, ...(replaces === undefined ? {} : { replaces }) },
      'worker started',
    );
    worker.on('error', (err) =>
      log.error({ err, worker: worker.id, pid: worker.process.pid }, 'worker channel failed'),
    );
    worker.on('message', (message: unknown) => {
      if (!isListeningMessage(message) || slot.worker !== worker) return;
      slot.listening = true;
      if (announced || stopping || !slots.every((s) => s.listening)) return;
      announced = true;
      warnIfOpenToAll(config, log);
      log.info(
        { url: message.url, workers: config.workers, pid: process.pid, store: config.store },
        'parley is listening',
      );
      log.info({ pid: process.pid }, `to stop it: Ctrl-C here, or kill -TERM ${process.pid}`);
    });
    worker.once('exit', (code, signal) => exited(slot, worker, code, signal));
  }

  function exited(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    const wasListening = slot.listening;
    slot.worker = undefined;
    slot.listening = false;
    const pid = worker.process.pid;
    if (stopping) {
      // One still starting has nothing to drain: SIGTERM ends it before it can handle it.
      if (code !== 0 && wasListening) {
        failed = true;
        log.error({ worker: worker.id, pid, code, signal }, 'worker did not stop cleanly');
      }
      return;
    }
    if (!announced) {
      // Every worker runs the same start: one that fails would fail again. Stop, as one process would.
      log.fatal({ worker: worker.id, pid, code, signal }, 'a worker exited before listening: parley could not start');
      console.error(
        `parley: could not start: worker ${pid} exited (${signal ?? `code ${code}`}) before listening; its log says why`,
      );
      failed = true;
      void stop(undefined);
      return;
    }
    const { delayMs, quickDeaths } = restartDelay(Date.now() - slot.startedAt, slot.quickDeaths);
    slot.quickDeaths = quickDeaths;
    log.error({ worker: worker.id, pid, code, signal, restartInMs: delayMs }, 'worker died; a replacement starts');
    slot.restart = setTimeout(() => start(slot, pid), delayMs);
  }

  function stop(signal: StopSignal | undefined): Promise<void> {
    return (stopping ??= (async () => {
      if (signal) log.info({ signal, pid: process.pid }, 'shutting down: every worker drains');
      const running = slots.flatMap((slot) => {
        clearTimeout(slot.restart);
        return slot.worker ? [slot.worker] : [];
      });
      const gone = running.map((worker) => once(worker, 'exit'));
      // SIGTERM itself, not worker.kill(), which would first cut the channel: each worker closes as one process does.
      for (const worker of running) worker.process.kill('SIGTERM');
      const bound = setTimeout(() => {
        for (const worker of running) {
          if (worker.process.exitCode !== null || worker.process.signalCode !== null) continue;
          log.error(
            { worker: worker.id, pid: worker.process.pid, boundMs: drainBoundMs },
            'worker did not stop in time: killed',
          );
          worker.process.kill('SIGKILL');
        }
      }, drainBoundMs);
      await Promise.all(gone);
      clearTimeout(bound);
      await metricsServer?.close();
      log.info({ pid: process.pid }, failed ? 'parley stopped; not every worker stopped cleanly' : 'parley stopped');
      process.exit(failed ? 1 : 0);
    })());
  }

  onStopSignal((signal) => void stop(signal));
  onReloadSignal(() => {
    log.info({ signal: 'SIGHUP' }, 'SIGHUP passed to every worker');
    for (const slot of slots) slot.worker?.process.kill('SIGHUP');
  });
  for (const slot of slots) start(slot);
}

/** A port free on `host` a moment ago. */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
