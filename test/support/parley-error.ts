import { expect } from 'vitest';
import { ParleyError } from '../../clients/ts/index.js';

/** The ParleyError a typed client's call rejects with; fails the test when it resolves or throws anything else. */
export async function refusal(promise: Promise<unknown>): Promise<ParleyError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ParleyError);
  return err as ParleyError;
}
