import { z } from 'zod';
import { historyPage } from '../core/chat/conversations.js';
import { emojiOf } from '../core/chat/emoji.js';
import { searchPage } from '../core/search/search.js';
import { reservedNames } from '../core/names.js';

/** Request schemas, shaped after openapi.yaml; test/unit/schemas.test.ts pins them to the generated types. */
export function requestSchemas(limits: { maxTextLength: number }) {
  const name = z
    .string()
    .min(1, 'must not be empty')
    .max(32, 'must be at most 32 characters')
    .regex(/^[A-Za-z][A-Za-z0-9_-]*$/, 'must be a letter followed by letters, digits, _ or -');
  // A name that a new user or group may take: not a word of the command language.
  const newName = name.refine((n) => !reservedNames.has(n.toLowerCase()), 'is a reserved word of the command language');
  const text = z
    .string()
    .max(limits.maxTextLength, `must be at most ${limits.maxTextLength} characters`)
    .refine((t) => t.trim() !== '', 'must not be empty');
  const password = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');
  const messageId = z
    .string()
    .regex(/^[0-9]{1,16}$/, 'must be a message id (digits)')
    .refine((id) => Number.isSafeInteger(Number(id)), 'must be a message id (at most 2^53 - 1)');
  const flag = z.enum(['true', 'false'], 'must be true or false');
  const emoji = z.string().transform((raw, ctx) => {
    const canonical = emojiOf(raw);
    if (canonical === undefined) ctx.addIssue({ code: 'custom', message: 'must be one emoji' });
    return canonical ?? z.NEVER;
  });
  // A page's size in a query string: 1 to `max`.
  const pageLimit = (max: number) =>
    z
      .string()
      .regex(/^[0-9]{1,3}$/, 'must be a whole number')
      .transform(Number)
      .refine((n) => n >= 1 && n <= max, `must be from 1 to ${max}`);
  const inviteCode = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an invite code');

  return {
    name,
    messageId,
    flag,
    emoji,
    credentials: z.strictObject({ username: newName, password, invite: inviteCode.optional() }),
    sendMessage: z.strictObject({ to: name, text, replyTo: messageId.optional() }),
    broadcast: z.strictObject({ text }),
    history: z.object({
      with: name,
      before: messageId.optional(),
      limit: pageLimit(historyPage.max).optional(),
    }),
    // The query's own rules (length, words) are the core's: it names query.q the same way.
    search: z.object({
      q: z.string('must be given, once'),
      with: name.optional(),
      from: name.optional(),
      before: z.iso.datetime({ message: 'must be an ISO date-time', offset: true }).optional(),
      after: z.iso.datetime({ message: 'must be an ISO date-time', offset: true }).optional(),
      cursor: z.string('must be given once').max(64, 'is not a cursor this server gave').optional(),
      limit: pageLimit(searchPage.max).optional(),
    }),
    readMark: z.strictObject({ upTo: messageId }),
    sessionId: z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'must be a session id from GET /sessions'),
    passwordChange: z.strictObject({ currentPassword: password, newPassword: password }),
    accountDeletion: z.strictObject({ password }),
    // Printable ASCII, as HTTP header values are safely; a UUID fits, and so does anything a client derives.
    idempotencyKey: z
      .string()
      .regex(/^[\x20-\x7E]{1,200}$/, 'must be 1 to 200 printable ASCII characters')
      .optional(),
    createGroup: z.strictObject({
      name: newName,
      members: z.array(name).min(1, 'must name at least one member').max(64, 'too many names'),
    }),
    addMembers: z.strictObject({
      members: z.array(name).min(1, 'must name at least one member').max(64, 'too many names'),
    }),
    editMessage: z.strictObject({ text }),
    createBot: z.strictObject({ name: newName }),
    setWebhook: z.strictObject({
      url: z.string().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
    }),
    createHook: z.strictObject({
      to: name,
      name: z.string().max(80, 'must be at most 80 characters').optional(),
    }),
    inviteCode,
    createInvite: z.strictObject({
      uses: z.number().int().min(1, 'must be at least 1').max(1_000, 'must be at most 1000').optional(),
      expiresInMs: z
        .number()
        .int()
        .min(1_000, 'must be at least a second (1000)')
        .max(30 * 86_400_000, 'must be at most 30 days')
        .optional(),
      note: z.string().max(200, 'must be at most 200 characters').optional(),
    }),
    adminCreateUser: z.strictObject({ name: newName, password }),
    suspension: z.strictObject({ suspended: z.boolean() }),
    auditQuery: z.object({
      limit: z
        .string()
        .regex(/^[0-9]{1,3}$/, 'must be a whole number')
        .transform(Number)
        .refine((n) => n >= 1 && n <= 500, 'must be from 1 to 500')
        .optional(),
      before: z.iso.datetime({ message: 'must be an ISO date-time' }).optional(),
    }),
    notificationSetting: z.strictObject({
      level: z.enum(['all', 'mentions', 'none'], 'must be all, mentions or none'),
    }),
    quietTime: z.strictObject({
      until: z.iso.datetime({ message: 'must be an ISO date-time, or null', offset: true }).nullable(),
    }),
    // What PushSubscription.toJSON() gives; the sender checks that the keys are a P-256 point and 16 bytes.
    pushSubscription: z.object({
      endpoint: z.string().min(1, 'must not be empty').max(2048, 'must be at most 2048 characters'),
      expirationTime: z.number().nullable().optional(),
      keys: z.object({
        p256dh: z.string().regex(/^[A-Za-z0-9_-]{87}=?$/, 'must be a P-256 public key, base64url (87 characters)'),
        auth: z.string().regex(/^[A-Za-z0-9_-]{22}(==)?$/, 'must be a 16-byte secret, base64url (22 characters)'),
      }),
    }),
    pushSubscriptionId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a subscription id from GET /push/subscriptions'),
    hookId: z.string().regex(/^[A-Za-z0-9_-]{16}$/, 'must be a hook id from GET /hooks'),
    hookSecret: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the secret part of a hook URL'),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;
