import { parseArgs } from 'node:util';
import { optionSpecs, type Config, type OptionKey } from './schema.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export type ParsedCommandLine = { help: true } | { help: false; config: Config };

/**
 * Reads flags and PARLEY_* variables (flags win over the environment, which wins over defaults), validates
 * every option and returns a frozen Config. Every failure names the option, its flag and variable.
 */
export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ParsedCommandLine {
  const keys = Object.keys(optionSpecs) as OptionKey[];
  let values: Record<string, string | boolean | undefined>;
  try {
    const flags = Object.fromEntries(
      keys.map((key) => {
        const spec: { flag: string; boolean?: true } = optionSpecs[key];
        return [spec.flag, { type: spec.boolean ? ('boolean' as const) : ('string' as const) }];
      }),
    );
    ({ values } = parseArgs({
      args: [...argv],
      options: { ...flags, help: { type: 'boolean', short: 'h' } },
      strict: true,
    }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}; see --help`);
  }
  if (values.help) return { help: true };
  return {
    help: false,
    config: resolveConfig(
      keys,
      (key) => {
        const value = values[optionSpecs[key].flag];
        return value === undefined ? undefined : String(value);
      },
      env,
    ),
  };
}

/** Defaults overlaid with explicit values; for tests and embedding, no flags or environment involved. */
export function configFrom(overrides: Partial<{ [K in OptionKey]: Config[K] }> = {}): Config {
  const keys = Object.keys(optionSpecs) as OptionKey[];
  return resolveConfig(keys, (key) => (key in overrides ? String(overrides[key]) : undefined), {});
}

function resolveConfig(
  keys: readonly OptionKey[],
  flagValue: (key: OptionKey) => string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Config {
  const config: Record<string, unknown> = {};
  const problems: string[] = [];
  const given = new Set<OptionKey>();
  for (const key of keys) {
    const spec = optionSpecs[key];
    const explicit = flagValue(key) ?? env[spec.env];
    if (explicit !== undefined) given.add(key);
    const raw = explicit ?? spec.default;
    const parsed = spec.schema.safeParse(raw);
    if (parsed.success) config[key] = parsed.data;
    else {
      const why = parsed.error.issues.map((issue) => issue.message).join('; ');
      problems.push(`--${spec.flag} / ${spec.env}: "${String(raw)}" is not valid (${why}). ${spec.help}.`);
    }
  }
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  // Several processes each with a SQLite file or a memory of their own would be several chats on one port.
  const { workers, store } = config as Pick<Config, 'workers' | 'store'>;
  if (workers > 1 && store !== 'redis') {
    throw new ConfigError(
      `--workers ${workers} (PARLEY_WORKERS) needs a store all processes share: use --store redis ` +
        `--redis-url redis://HOST:PORT (--store is ${store}; sqlite and memory belong to one process)`,
    );
  }
  // Two answers to "which Redis": the sentinels name the primary, a URL is one fixed server.
  if ((config as Pick<Config, 'redisSentinel'>).redisSentinel !== '' && given.has('redisUrl')) {
    throw new ConfigError(
      '--redis-sentinel (PARLEY_REDIS_SENTINEL) and --redis-url (PARLEY_REDIS_URL) both name the Redis: give ' +
        'one. With Sentinel, the sentinels name the primary; pass --redis-sentinel-name for the name they ' +
        'monitor it under',
    );
  }
  // A certificate without its key (or the reverse) cannot be served, and plain HTTP is not what was asked for.
  const { tlsCert, tlsKey } = config as Pick<Config, 'tlsCert' | 'tlsKey'>;
  if ((tlsCert === '') !== (tlsKey === '')) {
    throw new ConfigError(
      '--tls-cert (PARLEY_TLS_CERT) and --tls-key (PARLEY_TLS_KEY) go together: set both or neither',
    );
  }
  return Object.freeze(config) as Config;
}
