import { describe, expect, it } from 'vitest';

// The page's own module, plain JavaScript served as is: loaded by path so that TypeScript does not type it.
const modulePath = '../../clients/web/mentions.js';
const { callsReader, mentionParts } = await import(modulePath);

const msg = (from: string, mentions?: string[], extra: object = {}) => ({
  id: '1',
  from,
  to: 'team',
  group: 'team',
  kind: 'group',
  text: 'hi',
  sentAt: '2026-12-01T10:00:00.000Z',
  ...(mentions ? { mentions } : {}),
  ...extra,
});

describe("the web page's mentions", () => {
  it('says a message calls the reader when the server named them or everyone, never for their own or a deleted one', () => {
    expect(callsReader(msg('bob', ['alice']), 'alice')).toBe(true);
    expect(callsReader(msg('bob', ['everyone']), 'alice')).toBe(true);
    expect(callsReader(msg('bob', ['carol']), 'alice')).toBe(false);
    expect(callsReader(msg('bob'), 'alice')).toBe(false);
    expect(callsReader(msg('alice', ['everyone']), 'alice')).toBe(false);
    expect(callsReader(msg('bob', ['alice'], { deleted: true }), 'alice')).toBe(false);
  });

  it('cuts out only the names the server says the message calls, as written', () => {
    expect(mentionParts('@Alice and @dave, see @everyone', ['alice', 'everyone'])).toEqual([
      { text: '@Alice', name: 'alice' },
      { text: ' and @dave, see ' },
      { text: '@everyone', name: 'everyone' },
    ]);
    // An e-mail address, or a name running on, calls nobody.
    expect(mentionParts('mail bob@alice.org or @alice_x', ['alice'])).toEqual([
      { text: 'mail bob@alice.org or @alice_x' },
    ]);
    expect(mentionParts('@alice', ['alice'])).toEqual([{ text: '@alice', name: 'alice' }]);
    expect(mentionParts('@alice hi', undefined)).toEqual([{ text: '@alice hi' }]);
  });
});
