import { expect } from 'vitest';
import type { ApiResponse } from './api.js';

/** Asserts an RFC 9457 problem answer with the catalog code and, when given, the field that failed. */
export function expectProblem(res: ApiResponse, status: number, code: string, field?: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({ status, code, type: `urn:parley:problem:${code}` });
  expect(typeof res.body.detail).toBe('string');
  expect(res.body.detail.length).toBeGreaterThan(0);
  if (field !== undefined) expect(res.body.field).toBe(field);
}
