import { describe, expect, it } from 'vitest';
import { parleyCommand, runParley, runToEnd } from '../../support/process.js';

const widths = (text: string) => text.split('\n').map((line) => line.replace(/\r$/, '').length);

/** `parley <args>` at a terminal `columns` wide, through script(1)'s pseudo-terminal, COLUMNS unset. */
function atTerminal(args: readonly string[], columns: number) {
  const command = [...parleyCommand, ...args].map((word) => `'${word}'`).join(' ');
  return runToEnd('script', ['-qec', `stty cols ${columns} rows 60; exec env -u COLUMNS ${command}`, '/dev/null']);
}

describe('parley --help and parley serve --help', () => {
  it('wrap at the width of the terminal they are printed on', async () => {
    for (const args of [['--help'], ['serve', '--help']]) {
      const { code, stdout } = await atTerminal(args, 100);
      expect(code).toBe(0);
      expect(Math.max(...widths(stdout))).toBeLessThanOrEqual(100);
      // Wider than the 80 of a pipe: the terminal's width was used, not the default.
      expect(Math.max(...widths(stdout))).toBeGreaterThan(80);
    }
  });

  it('wrap at $COLUMNS when not printed on a terminal, at 80 without it, and at 60 at the narrowest', async () => {
    for (const [env, width] of [
      [{ COLUMNS: '72' }, 72],
      [{ COLUMNS: '' }, 80],
      [{ COLUMNS: '30' }, 60],
    ] as const) {
      for (const [args, says] of [
        [['--help'], 'logout NAME'],
        [['serve', '--help'], 'PARLEY_PORT'],
        [['logout', '--help'], 'logout NAME'],
      ] as const) {
        const { code, stdout } = await runParley(args, { env });
        expect(code).toBe(0);
        expect(stdout).toContain(says);
        expect(Math.max(...widths(stdout)), `${args.join(' ')} with COLUMNS=${env.COLUMNS}`).toBeLessThanOrEqual(width);
      }
    }
  });
});
