import { describe, expect, it } from 'vitest';
import { helpText, helpWidth, twoColumns, wrap } from '../../src/config/help.js';
import { optionSpecs } from '../../src/config/schema.js';

const longest = (text: string) => Math.max(...text.split('\n').map((line) => line.length));

describe('the width help is laid out for', () => {
  it("is the terminal's, else $COLUMNS, else 80, and never under 60", () => {
    expect(helpWidth(132, { COLUMNS: '100' })).toBe(132);
    expect(helpWidth(undefined, { COLUMNS: '100' })).toBe(100);
    expect(helpWidth(undefined, {})).toBe(80);
    expect(helpWidth(undefined, { COLUMNS: 'wide' })).toBe(80);
    expect(helpWidth(0, {})).toBe(80);
    expect(helpWidth(40, {})).toBe(60);
    expect(helpWidth(undefined, { COLUMNS: '20' })).toBe(60);
  });
});

describe('wrap', () => {
  it('breaks between words, keeps a word longer than the line whole, and holds no-break spaces together', () => {
    expect(wrap('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrap('a https://example.com/a/long/path b', 10)).toEqual(['a', 'https://example.com/a/long/path', 'b']);
    expect(wrap('x (default:\u00a08080)', 12)).toEqual(['x', '(default: 8080)']);
  });
});

describe('twoColumns', () => {
  const rows = [
    ['users', 'every account, one per line'],
    ['backup FILE', 'a copy of the database'],
  ] as const;

  it('puts the meanings beside the names, aligned, when they have room', () => {
    expect(twoColumns(rows, 60)).toEqual([
      '  users        every account, one per line',
      '  backup FILE  a copy of the database',
    ]);
  });

  it('puts each meaning under its name when they would not', () => {
    expect(twoColumns([['a-rather-long-name-for-a-command-that-eats-the-line', 'what it does']], 60)).toEqual([
      '  a-rather-long-name-for-a-command-that-eats-the-line',
      '      what it does',
    ]);
  });
});

describe('parley serve --help', () => {
  it.each([60, 80, 100, 160])('fits %i columns and names every option, its variable and its default', (width) => {
    const text = helpText(width);
    expect(longest(text)).toBeLessThanOrEqual(width);
    const flat = text.replace(/\s+/g, ' ');
    for (const spec of Object.values(optionSpecs)) {
      expect(text).toContain(`--${spec.flag} `);
      expect(text).toContain(spec.env);
      expect(flat).toContain(spec.help.replace(/\s+/g, ' '));
    }
    expect(text).toContain('(default: 8080)');
  });

  it('uses a wide terminal: the meanings go beside the options', () => {
    expect(helpText(160)).toMatch(/^ {2}--port +PARLEY_PORT +TCP port to listen on/m);
    expect(helpText(80)).toMatch(/^ {2}--port +PARLEY_PORT\n {6}TCP port to listen on/m);
  });
});
