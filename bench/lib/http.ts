// JSON over node:http with a caller's agent (keep-alive for request load, none for streams).
import { request, type Agent } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
  /** Request written to the whole answer read, ms. */
  readonly ms: number;
}

export function postJson(agent: Agent, url: URL, path: string, body: unknown, token?: string): Promise<Answer> {
  return requestJson(agent, url, 'POST', path, body, token);
}

/** A request with a JSON body (none when `body` is undefined), its answer parsed as JSON (an empty one as {}). */
export function requestJson(
  agent: Agent,
  url: URL,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
  token?: string,
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string | number> = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return exchange(agent, url, method, path, headers, payload);
}

/** A GET with a bearer token; the answer's JSON, status and time, as postJson gives them. */
export function getJson(agent: Agent, url: URL, path: string, token: string): Promise<Answer> {
  return exchange(agent, url, 'GET', path, { authorization: `Bearer ${token}` });
}

function exchange(
  agent: Agent,
  url: URL,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  headers: Record<string, string | number>,
  payload?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request({ host: url.hostname, port: url.port, path, method, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        try {
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(text || '{}') as Record<string, unknown>,
            ms: performance.now() - t0,
          });
        } catch {
          reject(
            new Error(
              `${method} ${path}: ${res.statusCode} answered something that is not JSON: ${text.slice(0, 200)}`,
            ),
          );
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** POSTs and insists on `status`; the error says what came instead. */
export async function expectJson(
  agent: Agent,
  url: URL,
  path: string,
  body: unknown,
  status: number | readonly number[],
  token?: string,
): Promise<Answer> {
  const answer = await postJson(agent, url, path, body, token);
  const wanted = typeof status === 'number' ? [status] : status;
  if (!wanted.includes(answer.status))
    throw new Error(`POST ${path}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer;
}
