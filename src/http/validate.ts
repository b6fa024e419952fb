import type { Request } from 'express';
import type { z } from 'zod';
import type { ExecuteOptions } from '../core/chat/commands.js';
import { ChatError } from '../core/errors.js';

/** Parses `value` with `schema`; a failure is an invalid_request naming the field, e.g. `body.members.2`. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, location: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
  const field = [location, ...path.map(String)].join('.');
  const message = issue.code === 'unrecognized_keys' ? 'is not a known field' : issue.message;
  throw new ChatError('invalid_request', `${field}: ${message}`, field);
}

/** The JSON body, or unsupported_media_type when the request is not JSON. */
export function jsonBody(req: Request): unknown {
  if (!req.is('application/json')) {
    throw new ChatError(
      'unsupported_media_type',
      'send the body as JSON with Content-Type: application/json',
      'header.content-type',
    );
  }
  return req.body;
}

/** The send options of a request: its Idempotency-Key header, checked (400 naming `header.idempotency-key`). */
export function sendOptions(req: Request, schemas: { idempotencyKey: z.ZodType<string | undefined> }): ExecuteOptions {
  const idempotencyKey = validate(schemas.idempotencyKey, req.get('idempotency-key'), 'header.idempotency-key');
  return idempotencyKey === undefined ? {} : { idempotencyKey };
}
