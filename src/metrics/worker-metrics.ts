import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { MetricsSource } from './metrics-server.js';

const requestType = 'parley:metrics-request';
const answerType = 'parley:metrics';

interface MetricsRequest {
  readonly type: typeof requestType;
  readonly id: number;
}

interface MetricsAnswer {
  readonly type: typeof answerType;
  readonly id: number;
  /** `registry.getMetricsAsJSON()` of the worker. */
  readonly metrics?: object[];
  readonly error?: string;
}

function isRequest(message: unknown): message is MetricsRequest {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === requestType;
}

function isAnswer(message: unknown, id: number): message is MetricsAnswer {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === answerType &&
    (message as MetricsAnswer).id === id
  );
}

/** In a worker of --workers N: answers the primary's scrapes with this registry, over node:cluster's channel. */
export function answerMetricsRequests(registry: Registry): void {
  process.on('message', (message: unknown) => {
    if (!isRequest(message)) return;
    registry.getMetricsAsJSON().then(
      (metrics) => process.send?.({ type: answerType, id: message.id, metrics } satisfies MetricsAnswer),
      (err: unknown) =>
        process.send?.({ type: answerType, id: message.id, error: String(err) } satisfies MetricsAnswer),
    );
  });
}

/**
 * In the primary: the metrics of the workers `workers()` names, summed by prom-client's AggregatorRegistry
 * (counters and histograms added up, each gauge by its aggregator). The request is our own message, not
 * AggregatorRegistry.clusterMetrics(): that one asks every forked worker, a replacement still loading included,
 * which cannot answer yet, so a scrape during a restart would wait for its timeout and fail. A worker that exits
 * while asked is left out of the sum; one that does not answer within `timeoutMs` fails the scrape.
 */
export function workersMetrics(workers: () => Iterable<Worker>, timeoutMs = 5_000): MetricsSource {
  let lastId = 0;
  return {
    contentType: AggregatorRegistry.PROMETHEUS_CONTENT_TYPE,
    async metrics() {
      const id = ++lastId;
      const answers = await Promise.all(
        [...workers()].filter((worker) => worker.isConnected()).map((worker) => ask(worker, id, timeoutMs)),
      );
      return AggregatorRegistry.aggregate(answers.filter((metrics) => metrics !== undefined)).metrics();
    },
  };
}

function ask(worker: Worker, id: number, timeoutMs: number): Promise<object[] | undefined> {
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
    };
    const onMessage = (message: unknown) => {
      if (!isAnswer(message, id)) return;
      finish();
      if (message.error === undefined) resolve(message.metrics ?? []);
      else reject(new Error(`worker ${worker.process.pid}: ${message.error}`));
    };
    const onExit = () => {
      finish();
      resolve(undefined);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`worker ${worker.process.pid} sent no metrics within ${timeoutMs} ms`));
    }, timeoutMs);
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.send({ type: requestType, id } satisfies MetricsRequest);
  });
}
