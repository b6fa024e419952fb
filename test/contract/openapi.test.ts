import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { errorCodes } from '../../src/core/errors.js';
import type { components } from '../../src/generated/openapi.js';
import { problemTypes } from '../../src/http/problem.js';
import type { requestSchemas } from '../../src/http/schemas.js';
import { generateTypes, generatedUrl } from '../../scripts/openapi-types.js';
import { assertMatchesSpec, assertSchema, spec } from '../support/spec.js';

type Schemas = components['schemas'];
type RequestSchemas = ReturnType<typeof requestSchemas>;

describe('openapi.yaml is the contract', () => {
  it('lists exactly the error codes of the core catalog', () => {
    const documented = ((spec.components as any).schemas.ErrorCode.enum as string[]).slice().sort();
    expect(documented).toEqual([...errorCodes].sort());
  });

  it('declares, for every status the catalog can produce, a problem response somewhere', () => {
    const declared = new Set<number>();
    for (const item of Object.values(spec.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(item))
        for (const status of Object.keys(op.responses ?? {})) declared.add(Number(status));
    }
    for (const code of errorCodes.filter((c) => c !== 'internal'))
      expect(declared, code).toContain(problemTypes[code].status);
  });

  it('has a checked-in src/generated/openapi.ts identical to a fresh generation', async () => {
    expect(readFileSync(generatedUrl, 'utf8')).toBe(await generateTypes());
  });

  it('pins the zod request schemas to the generated request types', () => {
    expectTypeOf<z.output<RequestSchemas['credentials']>>().toEqualTypeOf<Schemas['Credentials']>();
    expectTypeOf<z.output<RequestSchemas['sendMessage']>>().toEqualTypeOf<Schemas['SendMessage']>();
    expectTypeOf<z.output<RequestSchemas['broadcast']>>().toEqualTypeOf<Schemas['BroadcastRequest']>();
    expectTypeOf<z.output<RequestSchemas['createGroup']>>().toEqualTypeOf<Schemas['CreateGroup']>();
    expectTypeOf<z.output<RequestSchemas['sessionId']>>().toEqualTypeOf<Schemas['SessionId']>();
    expectTypeOf<z.output<RequestSchemas['passwordChange']>>().toEqualTypeOf<Schemas['PasswordChange']>();
    expectTypeOf<z.output<RequestSchemas['accountDeletion']>>().toEqualTypeOf<Schemas['AccountDeletion']>();
    expectTypeOf<z.output<RequestSchemas['editMessage']>>().toEqualTypeOf<Schemas['EditMessage']>();
    expectTypeOf<z.output<RequestSchemas['addMembers']>>().toEqualTypeOf<Schemas['AddMembers']>();
    expectTypeOf<z.output<RequestSchemas['readMark']>>().toEqualTypeOf<Schemas['ReadMark']>();
  });

  it('makes the response checker reject what the contract does not allow', () => {
    const sentAt = '2026-11-24T08:00:00.000Z';
    expect(() =>
      assertMatchesSpec('POST', '/messages', 202, 'application/json', { id: '1', to: 'bob', recipients: 1, sentAt }),
    ).not.toThrow();
    expect(() =>
      assertMatchesSpec('POST', '/messages', 202, 'application/json', { id: '1', to: 'bob', recipients: 1 }),
    ).toThrow(/does not match/);
    expect(() =>
      assertMatchesSpec('POST', '/messages', 202, 'application/json', { id: 1, to: 'bob', recipients: 1, sentAt }),
    ).toThrow(/does not match/);
    expect(() =>
      assertMatchesSpec('POST', '/messages', 202, 'application/json', {
        id: '1',
        to: 'bob',
        recipients: 1,
        sentAt,
        extra: 1,
      }),
    ).toThrow();
    expect(() => assertMatchesSpec('POST', '/messages', 418, 'application/json', {})).toThrow(/does not declare/);
    expect(() => assertMatchesSpec('GET', '/users', 200, 'text/html', '')).toThrow(/not one of/);
    expect(() =>
      assertSchema('Msgform', { id: '1', from: 'a', to: 'b', kind: 'shout', text: 'x', sentAt: 'now' }),
    ).toThrow();
  });
});
