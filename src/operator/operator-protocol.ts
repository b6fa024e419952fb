import { z } from 'zod';
import { ChatError } from '../core/errors.js';

/**
 * The operator socket's protocol: one request per connection, a line of JSON each way. The socket is the
 * server's own file in its data directory, mode 0600, so whoever can connect owns the data anyway; requests are
 * validated all the same.
 */
export function operatorRequestSchema(password: z.ZodString) {
  const name = z.string().min(1).max(64);
  return z.discriminatedUnion('command', [
    z.strictObject({ command: z.literal('users') }),
    z.strictObject({ command: z.literal('logout'), name }),
    z.strictObject({ command: z.literal('reset-password'), name, password }),
    z.strictObject({ command: z.literal('delete-user'), name }),
    z.strictObject({ command: z.literal('bots') }),
    z.strictObject({ command: z.literal('grant-admin'), name }),
    z.strictObject({ command: z.literal('revoke-admin'), name }),
    z.strictObject({ command: z.literal('create-user'), name, password }),
    z.strictObject({ command: z.literal('delete-bot'), name }),
    // Absolute: the command resolves it against its own working directory, not the server's.
    z.strictObject({
      command: z.literal('backup'),
      file: z
        .string()
        .min(1)
        .refine((f) => f.startsWith('/'), 'must be an absolute path'),
    }),
  ]);
}

export type OperatorRequest = z.infer<ReturnType<typeof operatorRequestSchema>>;

/** What the command prints: `lines` on stdout, or `error` on stderr with a non-zero exit. */
export type OperatorResponse =
  { readonly ok: true; readonly lines: readonly string[] } | { readonly ok: false; readonly error: string };

/** A request line longer than this is refused: the largest legitimate one is a path or a password. */
export const maxRequestBytes = 16 * 1024;

/** One request line, validated; a ChatError (invalid_request) that names the field otherwise. */
export function parseOperatorRequest(line: string, schema: ReturnType<typeof operatorRequestSchema>): OperatorRequest {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new ChatError('invalid_request', 'the request is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  throw new ChatError('invalid_request', `${field === '' ? 'the request' : field} ${issue.message}`, field);
}
