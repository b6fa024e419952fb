/**
 * The closed catalog of everything a request can fail with. The core names the failure; the HTTP layer alone
 * maps a code to a status (src/http/problem.ts), and a guard test keeps this list and openapi.yaml in step.
 */
export const errorCodes = [
  'invalid_request',
  'invalid_payload',
  'no_text',
  'unsupported_media_type',
  'payload_too_large',
  'unauthorized',
  'bad_credentials',
  'bot_account',
  'registration_closed',
  'invite_invalid',
  'invite_used',
  'invite_expired',
  'account_suspended',
  'not_admin',
  'not_accepted',
  'invalid_token',
  'no_service',
  'forbidden',
  'not_member',
  'not_found',
  'name_taken',
  'queue_full',
  'unknown_member',
  'too_many_members',
  'too_many_groups',
  'too_many_bots',
  'too_many_hooks',
  'too_many_subscriptions',
  'too_many_reactions',
  'edit_window_passed',
  'bad_destination',
  'rate_limited',
  'too_many_streams',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export class ChatError extends Error {
  override readonly name = 'ChatError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request field that failed, as a dotted path (`body.text`). */
    readonly field?: string,
    /** For rate_limited and the like: when the client may try again (ms); sent as `Retry-After`. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Refused because recipients have as many undelivered messages as they may; the core and shared stores say it alike. */
export function queueFull(names: readonly string[]): ChatError {
  return new ChatError(
    'queue_full',
    `the pending queue of ${names.join(', ')} is full; try again once they have read it`,
  );
}

/** Refused because the token is not (or no longer) a live session; the core and shared stores say it alike. */
export function sessionEnded(): ChatError {
  return new ChatError('unauthorized', 'the token is unknown, revoked or expired; log in again with POST /sessions');
}
