import { z } from 'zod';

interface OptionSpec<S extends z.ZodType> {
  /** The command-line flag, without the leading dashes. */
  readonly flag: string;
  /** A switch: the flag alone means true (its variable takes true or false). */
  readonly boolean?: true;
  readonly env: `PARLEY_${string}`;
  readonly schema: S;
  readonly default: z.input<S>;
  readonly help: string;
}

function option<S extends z.ZodType>(spec: OptionSpec<S>): OptionSpec<S> {
  return spec;
}

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const ms = (min: number, max: number) => int(min, max);
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

/**
 * Every setting of the server, in one place: its flag, its PARLEY_* variable, its default and its help.
 * `--help` and the configuration table of docs/configuration.md are made from this list; a test keeps them in step.
 */
export const optionSpecs = {
  port: option({
    flag: 'port',
    env: 'PARLEY_PORT',
    schema: int(0, 65_535),
    default: 8080,
    help: 'TCP port to listen on (0: any free port)',
  }),
  host: option({
    flag: 'host',
    env: 'PARLEY_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    help: 'Address to listen on (0.0.0.0 or :: for every interface)',
  }),
  store: option({
    flag: 'store',
    env: 'PARLEY_STORE',
    schema: z.enum(['sqlite', 'memory', 'redis']),
    default: 'sqlite',
    help:
      'Storage backend: sqlite (one file under --data, fsynced before every 202), memory (nothing ' +
      'survives a restart) or redis (the Redis at --redis-url or behind --redis-sentinel, which several ' +
      'Parley processes can share)',
  }),
  redisUrl: option({
    flag: 'redis-url',
    env: 'PARLEY_REDIS_URL',
    schema: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }),
    default: 'redis://127.0.0.1:6379',
    help: 'The Redis of --store redis: redis://[user:password@]host:port[/db], or rediss:// for TLS',
  }),
  redisSentinel: option({
    flag: 'redis-sentinel',
    env: 'PARLEY_REDIS_SENTINEL',
    schema: z.string().regex(/^$|^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be HOST:PORT,HOST:PORT,...'),
    default: '',
    help:
      'Sentinels to ask for the Redis of --store redis, HOST:PORT,...: Parley follows the primary they ' +
      'name through a failover, instead of --redis-url; empty: --redis-url',
  }),
  redisSentinelName: option({
    flag: 'redis-sentinel-name',
    env: 'PARLEY_REDIS_SENTINEL_NAME',
    schema: z.string().min(1).max(200),
    default: 'mymaster',
    help: 'The name the sentinels of --redis-sentinel monitor the primary under',
  }),
  redisWaitReplicas: option({
    flag: 'redis-wait-replicas',
    env: 'PARLEY_REDIS_WAIT_REPLICAS',
    schema: z.union([z.literal(''), z.literal('all'), int(0, 100)]),
    default: '',
    help:
      'With --store redis: a write is answered 201/202 only once this many replicas hold it (Redis ' +
      'WAIT), else 503; all: every replica in sync with the primary at the time, at least one; Parley ' +
      'refuses to start when fewer replicas are in sync. Empty: all with --redis-sentinel, 0 with ' +
      '--redis-url',
  }),
  redisWaitTimeoutMs: option({
    flag: 'redis-wait-timeout-ms',
    env: 'PARLEY_REDIS_WAIT_TIMEOUT_MS',
    schema: ms(1, 60_000),
    default: 1_000,
    help: 'How long a write waits for the replicas of --redis-wait-replicas before it is answered 503 (ms)',
  }),
  redisSyncWaitMs: option({
    flag: 'redis-sync-wait-ms',
    env: 'PARLEY_REDIS_SYNC_WAIT_MS',
    schema: ms(0, 3_600_000),
    default: 120_000,
    help:
      'At start, how long Parley waits for the replicas --redis-wait-replicas asks for to come in sync (replicas ' +
      'started with it are still copying the primary), saying every 5 s what it waits for, before it refuses to ' +
      'start (ms; default 2 min; 0: refuse at once)',
  }),
  redisPrefix: option({
    flag: 'redis-prefix',
    env: 'PARLEY_REDIS_PREFIX',
    schema: z.string().min(1).max(100),
    default: 'parley:',
    help: 'Every key --store redis writes starts with this, so that other data or another Parley can share the Redis',
  }),
  processTimeoutMs: option({
    flag: 'process-timeout-ms',
    env: 'PARLEY_PROCESS_TIMEOUT_MS',
    schema: ms(100, 3_600_000),
    default: 10_000,
    help:
      'With --store redis: a Parley process not heard from for this long is taken for dead, and its ' +
      'users are shown offline (ms)',
  }),
  workers: option({
    flag: 'workers',
    env: 'PARLEY_WORKERS',
    schema: int(1, 64),
    default: 1,
    help:
      'Processes serving the one --port (node:cluster): a primary restarts any that dies and SIGTERM ' +
      'drains them all; more than 1 needs --store redis',
  }),
  data: option({
    flag: 'data',
    env: 'PARLEY_DATA',
    schema: z.string().min(1),
    default: './data',
    help: 'Directory for the data files of durable stores; created on first start',
  }),
  logLevel: option({
    flag: 'log-level',
    env: 'PARLEY_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    help: 'Log level',
  }),
  logFormat: option({
    flag: 'log-format',
    env: 'PARLEY_LOG_FORMAT',
    schema: z.enum(['auto', 'pretty', 'json']),
    default: 'auto',
    help:
      'Logs on stdout: pretty (one readable line per event), json (JSON lines), auto (pretty on a ' +
      'terminal, json otherwise)',
  }),
  heartbeatMs: option({
    flag: 'heartbeat-ms',
    env: 'PARLEY_HEARTBEAT_MS',
    schema: ms(10, 3_600_000),
    default: 15_000,
    help: 'Milliseconds between heartbeat comments on every stream',
  }),
  retryMs: option({
    flag: 'retry-ms',
    env: 'PARLEY_RETRY_MS',
    schema: ms(0, 3_600_000),
    default: 2_000,
    help: "Reconnect delay suggested to clients in the stream's retry: field (ms)",
  }),
  queueLimit: option({
    flag: 'queue-limit',
    env: 'PARLEY_QUEUE_LIMIT',
    schema: int(1, 10_000_000),
    default: 10_000,
    help:
      'Undelivered direct and group messages a user may have waiting; past it sends to them are refused ' +
      '(broadcasts do not count)',
  }),
  retainMs: option({
    flag: 'retain-ms',
    env: 'PARLEY_RETAIN_MS',
    schema: ms(0, 10 * 365 * 86_400_000),
    default: 30 * 86_400_000,
    help:
      'Delivered messages older than this are pruned; a Last-Event-ID resume reaches this far back (ms; ' +
      'default 30 days). Undelivered messages are kept however old',
  }),
  pruneIntervalMs: option({
    flag: 'prune-interval-ms',
    env: 'PARLEY_PRUNE_INTERVAL_MS',
    schema: ms(10, 86_400_000),
    default: 60_000,
    help: 'How often delivered messages past the window are pruned (ms)',
  }),
  maxTextLength: option({
    flag: 'max-text-length',
    env: 'PARLEY_MAX_TEXT_LENGTH',
    schema: int(1, 1_000_000),
    default: 4_000,
    help: 'Longest message text, in characters',
  }),
  maxBodyBytes: option({
    flag: 'max-body-bytes',
    env: 'PARLEY_MAX_BODY_BYTES',
    schema: int(64, 16 * 1024 * 1024),
    default: 65_536,
    help: 'Largest request body; larger ones get 413',
  }),
  scryptCost: option({
    flag: 'scrypt-cost',
    env: 'PARLEY_SCRYPT_COST',
    schema: int(2, 1 << 20).refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
    default: 16_384,
    help: 'scrypt CPU/memory cost N for new password hashes (a power of two)',
  }),
  sessionTtlMs: option({
    flag: 'session-ttl-ms',
    env: 'PARLEY_SESSION_TTL_MS',
    schema: ms(1_000, 10 * 365 * 86_400_000),
    default: 30 * 86_400_000,
    help: 'Token lifetime, refreshed by use (ms; default 30 days)',
  }),
  presenceDelayMs: option({
    flag: 'presence-delay-ms',
    env: 'PARLEY_PRESENCE_DELAY_MS',
    schema: ms(0, 60_000),
    default: 250,
    help: 'Presence changes are gathered this long and sent as one event (ms)',
  }),
  loginPairFailures: option({
    flag: 'login-pair-failures',
    env: 'PARLEY_LOGIN_PAIR_FAILURES',
    schema: int(1, 1_000_000),
    default: 5,
    help:
      'Failed logins to one account from one client address before 429, counted per window of this × ' +
      '--login-backoff-ms',
  }),
  loginAddressFailures: option({
    flag: 'login-address-failures',
    env: 'PARLEY_LOGIN_ADDRESS_FAILURES',
    schema: int(1, 1_000_000),
    default: 20,
    help:
      'Failed logins from one client address, over all accounts, before 429, counted per window of this ' +
      '× --login-backoff-ms',
  }),
  loginAccountFailures: option({
    flag: 'login-account-failures',
    env: 'PARLEY_LOGIN_ACCOUNT_FAILURES',
    schema: int(1, 1_000_000),
    default: 100,
    help:
      'Failed logins to one account, over all addresses, before 429, counted per window of this × ' +
      '--login-backoff-ms',
  }),
  loginBackoffMs: option({
    flag: 'login-backoff-ms',
    env: 'PARLEY_LOGIN_BACKOFF_MS',
    schema: ms(1, 86_400_000),
    default: 60_000,
    help:
      'Sets the windows of the failed-login limits: a limit of N counts failures in a window of N × ' +
      'this, opened by the first and forgiven all at once when it ends, 24 days at most (ms; default 1 min)',
  }),
  messageRate: option({
    flag: 'message-rate',
    env: 'PARLEY_MESSAGE_RATE',
    schema: int(0, 100_000_000),
    default: 3_000,
    help:
      'Direct and group messages per user per minute, sustained, a reaction added or taken back counting as ' +
      'one: --message-burst per window of burst/rate minutes, whole seconds, at least 1 s (0: unlimited)',
  }),
  messageBurst: option({
    flag: 'message-burst',
    env: 'PARLEY_MESSAGE_BURST',
    schema: int(1, 100_000_000),
    default: 200,
    help:
      'Direct and group messages a user may send at once; past it 429 until the window the first opened ' +
      'ends (see --message-rate)',
  }),
  broadcastRate: option({
    flag: 'broadcast-rate',
    env: 'PARLEY_BROADCAST_RATE',
    schema: int(0, 100_000_000),
    default: 600,
    help:
      'Broadcasts per user per minute, sustained: --broadcast-burst per window of burst/rate minutes, ' +
      'whole seconds, at least 1 s (0: unlimited)',
  }),
  broadcastBurst: option({
    flag: 'broadcast-burst',
    env: 'PARLEY_BROADCAST_BURST',
    schema: int(1, 100_000_000),
    default: 100,
    help:
      'Broadcasts a user may send at once; past it 429 until the window the first opened ends (see ' +
      '--broadcast-rate)',
  }),
  groupRate: option({
    flag: 'group-rate',
    env: 'PARLEY_GROUP_RATE',
    schema: int(0, 100_000_000),
    default: 60,
    help:
      'Group creations per user per minute, sustained: --group-burst per window of burst/rate minutes, ' +
      'whole seconds, at least 1 s (0: unlimited)',
  }),
  groupBurst: option({
    flag: 'group-burst',
    env: 'PARLEY_GROUP_BURST',
    schema: int(1, 100_000_000),
    default: 20,
    help:
      'Group creations a user may make at once; past it 429 until the window the first opened ends (see ' +
      '--group-rate)',
  }),
  maxGroupsPerUser: option({
    flag: 'max-groups-per-user',
    env: 'PARLEY_MAX_GROUPS_PER_USER',
    schema: int(1, 10_000_000),
    default: 100,
    help: 'Groups one user may create, in all',
  }),
  editWindowMs: option({
    flag: 'edit-window-ms',
    env: 'PARLEY_EDIT_WINDOW_MS',
    schema: ms(0, 10 * 365 * 86_400_000),
    default: 15 * 60_000,
    help:
      'How long after sending a sender may still edit a message (ms; default 15 min: long enough to fix ' +
      'a typo seen on rereading, short enough that a reply is not left answering words that changed ' +
      'later). Deleting has no limit',
  }),
  maxStreamsPerUser: option({
    flag: 'max-streams-per-user',
    env: 'PARLEY_MAX_STREAMS_PER_USER',
    schema: int(1, 100_000),
    default: 16,
    help: 'Streams one user may have open at once; past it 429',
  }),
  maxStreams: option({
    flag: 'max-streams',
    env: 'PARLEY_MAX_STREAMS',
    schema: int(1, 10_000_000),
    default: 10_000,
    help: 'Streams open on the server in all; past it 503',
  }),
  slowConsumerMs: option({
    flag: 'slow-consumer-ms',
    env: 'PARLEY_SLOW_CONSUMER_MS',
    schema: ms(1, 3_600_000),
    default: 30_000,
    help:
      'A stream whose client reads nothing for this long while data waits is closed; it resumes with ' +
      'Last-Event-ID (ms)',
  }),
  tlsCert: option({
    flag: 'tls-cert',
    env: 'PARLEY_TLS_CERT',
    schema: z.string(),
    default: '',
    help: 'PEM certificate file: serve HTTPS (with --tls-key); empty: plain HTTP',
  }),
  tlsKey: option({
    flag: 'tls-key',
    env: 'PARLEY_TLS_KEY',
    schema: z.string(),
    default: '',
    help: 'PEM private key file of --tls-cert',
  }),
  tlsProfile: option({
    flag: 'tls-profile',
    env: 'PARLEY_TLS_PROFILE',
    schema: z.enum(['intermediate', 'modern']),
    default: 'intermediate',
    help:
      'Mozilla server-side TLS profile (guidelines 5.7): intermediate (TLS 1.2 with ECDHE and AEAD ' +
      'ciphers, and TLS 1.3) or modern (TLS 1.3 only)',
  }),
  corsOrigins: option({
    flag: 'cors-origins',
    env: 'PARLEY_CORS_ORIGINS',
    schema: z.string(),
    default: '',
    help: 'Comma-separated origins allowed to call the API cross-origin with a bearer token; empty: CORS off',
  }),
  metricsPort: option({
    flag: 'metrics-port',
    env: 'PARLEY_METRICS_PORT',
    schema: z.union([z.literal(''), int(0, 65_535)]),
    default: '',
    help: 'Port of a separate listener for Prometheus metrics, GET /metrics (0: any free port); empty: no metrics',
  }),
  metricsHost: option({
    flag: 'metrics-host',
    env: 'PARLEY_METRICS_HOST',
    schema: z.string().min(1),
    default: '127.0.0.1',
    help: 'Address of the metrics listener of --metrics-port',
  }),
  registration: option({
    flag: 'registration',
    env: 'PARLEY_REGISTRATION',
    schema: z.enum(['open', 'invite', 'closed']),
    default: 'open',
    help:
      'Who may register a new name: open (anyone who reaches the server, the original rule; said at start when ' +
      'it listens beyond loopback), invite (with an invite code from an admin), closed (admins and the operator ' +
      'make accounts)',
  }),
  membersInvite: option({
    flag: 'members-invite',
    env: 'PARLEY_MEMBERS_INVITE',
    boolean: true,
    schema: flag,
    default: 'false',
    help: 'Let every user make invites (POST /invites), not only admins',
  }),
  publicUrl: option({
    flag: 'public-url',
    env: 'PARLEY_PUBLIC_URL',
    schema: z.union([z.literal(''), z.url({ protocol: /^https?$/ })]),
    default: '',
    help:
      'The URL users reach this server at (behind a proxy, say), used in the URLs of incoming webhooks; ' +
      "empty: the request's own origin",
  }),
  webhookTimeoutMs: option({
    flag: 'webhook-timeout-ms',
    env: 'PARLEY_WEBHOOK_TIMEOUT_MS',
    schema: ms(100, 60_000),
    default: 10_000,
    help: "How long one post to a bot's webhook may take before it counts as failed and is tried again (ms)",
  }),
  webhookAllowPrivate: option({
    flag: 'webhook-allow-private',
    env: 'PARLEY_WEBHOOK_ALLOW_PRIVATE',
    boolean: true,
    schema: flag,
    default: 'false',
    help:
      "Let bots' webhooks go to loopback, private and link-local addresses (bots running beside the server); " +
      'off: public addresses only',
  }),
  hookRate: option({
    flag: 'hook-rate',
    env: 'PARLEY_HOOK_RATE',
    schema: int(1, 1_000_000),
    default: 60,
    help: 'Posts per minute one incoming webhook may make (bursts of up to that many)',
  }),
  vapidSubject: option({
    flag: 'vapid-subject',
    env: 'PARLEY_VAPID_SUBJECT',
    schema: z.string().regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'a mailto: address or an https: URL'),
    default: 'mailto:parley@localhost',
    help:
      "Who push services may contact about this server's pushes (VAPID `sub`, RFC 8292): a mailto: address " +
      'or an https: URL; some push services refuse a made-up one',
  }),
  pushHoldMs: option({
    flag: 'push-hold-ms',
    env: 'PARLEY_PUSH_HOLD_MS',
    schema: ms(0, 3_600_000),
    default: 3_000,
    help:
      'How long a push waits after its message was sent; read on another device or reaching a stream ' +
      'meanwhile, it is not sent (ms)',
  }),
  pushContent: option({
    flag: 'push-content',
    env: 'PARLEY_PUSH_CONTENT',
    schema: z.enum(['full', 'none']),
    default: 'full',
    help: 'What a push tells: full (sender, conversation and the start of the text) or none (no text)',
  }),
  pushAllowPrivate: option({
    flag: 'push-allow-private',
    env: 'PARLEY_PUSH_ALLOW_PRIVATE',
    boolean: true,
    schema: flag,
    default: 'false',
    help:
      'Let push subscriptions name http: endpoints and loopback, private and link-local addresses (a push ' +
      'service beside the server, for tests); off: https on public addresses only',
  }),
  trustProxy: option({
    flag: 'trust-proxy',
    env: 'PARLEY_TRUST_PROXY',
    schema: z.string(),
    default: '',
    help:
      'Proxies whose X-Forwarded-For is believed (express trust proxy: loopback, an address or CIDR ' +
      'list); empty: none',
  }),
} as const;

export type OptionKey = keyof typeof optionSpecs;

export type Config = { readonly [K in OptionKey]: z.output<(typeof optionSpecs)[K]['schema']> };
