import type { Config } from '../config/schema.js';
import type { Logger } from '../log/logger.js';

/**
 * Says so at start when anyone who can reach the server may register a name: right on loopback (the default
 * --host), worth a line in the log anywhere else.
 */
export function warnIfOpenToAll(config: Pick<Config, 'registration' | 'host'>, log: Logger): void {
  if (config.registration !== 'open' || isLoopback(config.host)) return;
  log.warn(
    { host: config.host, registration: 'open' },
    'anyone who can reach this server can register a name: --registration invite (or closed) keeps strangers out',
  );
}

/** Whether a listening address takes connections from this machine only. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
