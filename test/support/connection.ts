import { Agent, request } from 'node:http';
import type { RequestOptions } from './api.js';
import { assertMatchesSpec } from './spec.js';

export interface ConnectionResponse<T = any> {
  readonly status: number;
  readonly body: T;
}

export interface Connection {
  /** One request, checked against openapi.yaml like `api()`. */
  api<T = any>(method: string, path: string, options?: Omit<RequestOptions, 'text'>): Promise<ConnectionResponse<T>>;
  close(): void;
}

/**
 * Plain HTTP requests with a say over connections, which `fetch` pools as it likes. `kept`: every request on one
 * kept-alive connection, so that with --workers N they all reach one worker (node:cluster hands out
 * connections, not requests); `fresh`: a new connection for each request, so that they go round the workers.
 */
export function connection(baseUrl: string, mode: 'kept' | 'fresh'): Connection {
  const agent = mode === 'kept' ? new Agent({ keepAlive: true, maxSockets: 1 }) : undefined;
  return {
    api: (method, path, options = {}) =>
      new Promise((resolve, reject) => {
        const headers: Record<string, string> = { ...options.headers };
        if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
        const body = options.json === undefined ? undefined : JSON.stringify(options.json);
        if (body !== undefined) headers['content-type'] ??= 'application/json';
        const req = request(new URL(path, baseUrl), { method, headers, agent: agent ?? false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('error', reject);
          res.on('end', () => {
            const contentType = res.headers['content-type'] ?? null;
            const parsed: unknown = /json/.test(contentType ?? '') && text !== '' ? JSON.parse(text) : text;
            try {
              assertMatchesSpec(method, path, res.statusCode!, contentType, parsed);
              resolve({ status: res.statusCode!, body: parsed as never });
            } catch (err) {
              reject(err as Error);
            }
          });
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent?.destroy(),
  };
}
