import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat } from '../../src/log/logger.js';

function captured(format: 'pretty' | 'json') {
  const lines: string[] = [];
  const log = createLogger('info', { format, destination: { write: (chunk: string) => void lines.push(chunk) } });
  return { log, lines };
}

describe('the logger', () => {
  it('writes one readable line per event in pretty format, control characters escaped so that none can be forged', () => {
    const { log, lines } = captured('pretty');
    log.info({ user: 'bob' }, 'first\nINFO: forged');
    log.warn('second');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: first\\u000aINFO: forged \{"user":"bob"\}\n$/);
    expect(lines[1]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: second\n$/);
  });

  it('redacts passwords and tokens in both formats', () => {
    for (const format of ['pretty', 'json'] as const) {
      const { log, lines } = captured(format);
      log.info({ password: 'hunter2-secret', req: { headers: { authorization: 'Bearer abc-token' } } }, 'login');
      expect(lines.join('')).not.toMatch(/hunter2-secret|abc-token/);
      expect(lines.join('')).toContain('[redacted]');
    }
  });

  it('decides auto by whether stdout is a terminal', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });
});
