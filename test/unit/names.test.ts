import { describe, expect, it } from 'vitest';
import { canonicalName, claimableName } from '../../src/core/names.js';

describe('names', () => {
  it('folds case so that Alice and alice are one name', () => {
    expect(canonicalName('Alice')).toBe('alice');
    expect(canonicalName('ALICE')).toBe(canonicalName('alice'));
  });

  it.each(['a', 'bob', 'user_1', 'x-y', 'a'.repeat(32)])('accepts %j', (name) => {
    expect(canonicalName(name)).toBe(name.toLowerCase());
  });

  it.each(['', '1abc', '_x', '-x', 'a b', 'a/b', '..', 'a%2Fb', 'é', 'a'.repeat(33), 'bob\n'])('rejects %j', (name) => {
    expect(canonicalName(name)).toBeUndefined();
  });

  it('reserves the words of the command language', () => {
    for (const word of ['broad', 'get_users', 'exit', 'mk_grp', 'BROAD'])
      expect(() => claimableName(word, 'body.name')).toThrow(/reserved/);
    expect(claimableName('broadway', 'body.name')).toBe('broadway');
  });
});
