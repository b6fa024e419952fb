import type { Response } from 'express';
import type { ErrorCode } from '../core/errors.js';

interface ProblemType {
  readonly status: number;
  readonly title: string;
}

/** The one place where the core's error codes meet HTTP. */
export const problemTypes: { readonly [C in ErrorCode]: ProblemType } = {
  invalid_request: { status: 400, title: 'Invalid request' },
  invalid_payload: { status: 400, title: 'Unreadable payload' },
  no_text: { status: 400, title: 'Nothing to post' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  unauthorized: { status: 401, title: 'Authentication required' },
  bad_credentials: { status: 401, title: 'Wrong password' },
  bot_account: { status: 403, title: 'A bot cannot log in' },
  registration_closed: { status: 403, title: 'Sign-up is closed' },
  invite_invalid: { status: 403, title: 'No such invite' },
  invite_used: { status: 410, title: 'Invite used up' },
  invite_expired: { status: 410, title: 'Invite expired' },
  account_suspended: { status: 403, title: 'Account suspended' },
  not_admin: { status: 403, title: 'Admins only' },
  not_accepted: { status: 403, title: 'Not accepted' },
  invalid_token: { status: 403, title: 'Wrong webhook secret' },
  no_service: { status: 404, title: 'No such webhook' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_member: { status: 403, title: 'Not a member of the group' },
  not_found: { status: 404, title: 'Not found' },
  name_taken: { status: 409, title: 'Name taken' },
  queue_full: { status: 409, title: 'Queue full' },
  unknown_member: { status: 422, title: 'Unknown group member' },
  too_many_members: { status: 422, title: 'Too many group members' },
  too_many_groups: { status: 422, title: 'Too many groups' },
  too_many_bots: { status: 422, title: 'Too many bots' },
  too_many_hooks: { status: 422, title: 'Too many webhooks' },
  too_many_subscriptions: { status: 422, title: 'Too many push subscriptions' },
  too_many_reactions: { status: 422, title: 'Too many different reactions' },
  edit_window_passed: { status: 403, title: 'Edit window passed' },
  bad_destination: { status: 422, title: 'Destination refused' },
  rate_limited: { status: 429, title: 'Too many requests' },
  too_many_streams: { status: 429, title: 'Too many open streams' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal server error' },
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  field?: string;
}

export function problem(code: ErrorCode, detail: string, field?: string): Problem {
  const { status, title } = problemTypes[code];
  return { type: `urn:parley:problem:${code}`, title, status, detail, code, ...(field === undefined ? {} : { field }) };
}

export function sendProblem(res: Response, body: Problem): void {
  res.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}
