import { assertMatchesSpec } from './spec.js';

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

export interface RequestOptions {
  readonly token?: string;
  readonly json?: unknown;
  /** A raw body; sent as text/plain unless `headers` say otherwise. */
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

/**
 * One HTTP request over a real socket. Every answer is checked against openapi.yaml before the test sees it,
 * so no test can pass on a response the contract does not allow.
 */
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.text !== undefined) {
    headers['content-type'] ??= 'text/plain';
    body = options.text;
  }
  const res = await fetch(new URL(path, baseUrl), { method, headers, body });
  const text = await res.text();
  const contentType = res.headers.get('content-type');
  const parsed = /json/.test(contentType ?? '') && text !== '' ? JSON.parse(text) : text;
  assertMatchesSpec(method, path, res.status, contentType, parsed);
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export interface TestUser {
  readonly name: string;
  readonly password: string;
  readonly token: string;
}

let counter = 0;

/** Registers a fresh user (a unique name unless one is given). */
export async function register(baseUrl: string, name = `user${process.pid % 1000}x${++counter}`): Promise<TestUser> {
  const password = `${name}-password`;
  const res = await api(baseUrl, 'POST', '/sessions', { json: { username: name, password } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`could not join as ${name}: ${res.text}`);
  return { name: res.body.username, password, token: res.body.token };
}

export const streamPath = (user: { name: string }) => `/users/${user.name}/stream`;
