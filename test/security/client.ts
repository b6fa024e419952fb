import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertMatchesSpec, templateOf } from '../support/spec.js';

export interface RawResponse<T = any> {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: T;
  readonly text: string;
}

export interface RawRequest {
  readonly token?: string;
  /** Serialised as JSON with Content-Type application/json. */
  readonly json?: unknown;
  /** A raw body, as bytes or text; Content-Type as `headers` say. */
  readonly body?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** The client's source address: 127.0.0.2, 127.0.0.3 ... are loopback too, so tests can be many clients. */
  readonly localAddress?: string;
  /** Trusted CA for https URLs (a test's self-signed certificate). */
  readonly ca?: string | Buffer;
}

/**
 * One request over its own socket (node:http, so that the source address can be chosen). Answers on paths of
 * openapi.yaml are checked against it, like test/support/api.ts does.
 */
export function call<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RawRequest = {},
): Promise<RawResponse<T>> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      { method, headers, agent: false, localAddress: options.localAddress, ...(options.ca ? { ca: options.ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const contentType = res.headers['content-type'] ?? null;
          const parsed = /json/.test(contentType ?? '') && text !== '' ? JSON.parse(text) : text;
          try {
            if (templateOf(url.pathname) && method !== 'OPTIONS' && res.statusCode !== 404)
              assertMatchesSpec(method, url.pathname, res.statusCode!, contentType, parsed);
          } catch (err) {
            reject(err as Error);
            return;
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: parsed as T, text });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface Joined {
  readonly name: string;
  readonly password: string;
  readonly token: string;
  readonly cookie: string;
}

/** Registers (or logs in) `name` and returns its token and session cookie. */
export async function join(
  baseUrl: string,
  name: string,
  options: Omit<RawRequest, 'json'> & { password?: string } = {},
): Promise<Joined> {
  const password = options.password ?? `${name}-secret-pw`;
  const res = await call(baseUrl, 'POST', '/sessions', { ...options, json: { username: name, password } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`could not join as ${name}: ${res.status} ${res.text}`);
  const setCookie = res.headers['set-cookie']?.[0] ?? '';
  return { name: res.body.username, password, token: res.body.token, cookie: setCookie.split(';')[0]! };
}

/** Asserts nothing, returns the problem's identifying parts for one `toEqual`. */
export function problemOf(res: RawResponse): {
  status: number;
  type: string | undefined;
  code: unknown;
  field: unknown;
} {
  return {
    status: res.status,
    type: String(res.headers['content-type']).split(';')[0],
    code: res.body?.code,
    field: res.body?.field,
  };
}
