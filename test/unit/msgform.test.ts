import { describe, expect, it } from 'vitest';
import { MsgformEncoder } from '../../src/core/msgform.js';

describe('MsgformEncoder', () => {
  it('produces, per recipient, the same JSON as serialising the whole msgform', () => {
    const message = {
      id: 7,
      from: 'alice',
      kind: 'group' as const,
      group: 'team',
      text: 'hé "quoted"\n\u2028',
      sentAt: Date.UTC(2026, 10, 24),
    };
    const encoder = new MsgformEncoder(message);
    for (const to of ['bob', 'carol']) {
      const entry = encoder.forRecipient(to);
      expect(JSON.parse(entry.json)).toEqual({
        id: '7',
        from: 'alice',
        to,
        group: 'team',
        kind: 'group',
        text: message.text,
        sentAt: '2026-11-24T00:00:00.000Z',
      });
      expect(entry.json).not.toMatch(/[\r\n]/);
    }
  });

  it('leaves out the group of a direct message', () => {
    const entry = new MsgformEncoder({ id: 1, from: 'a', kind: 'direct', text: 't', sentAt: 0 }).forRecipient('b');
    expect(JSON.parse(entry.json)).not.toHaveProperty('group');
  });
});
