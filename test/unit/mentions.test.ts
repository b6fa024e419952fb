import { describe, expect, it } from 'vitest';
import { mentionsIn } from '../../src/core/chat/mentions.js';

const members = ['alice', 'bob', 'carol-2', 'dave_x'];

describe('mentions in a group message', () => {
  it('names the members called with @name, each once, in the order they first appear', () => {
    expect(mentionsIn('@bob and @Carol-2, then @bob again', members, 'alice')).toEqual({
      users: ['bob', 'carol-2'],
      everyone: false,
    });
  });

  it('calls nobody outside the group, nor the sender, nor a name that is no user', () => {
    expect(mentionsIn('@mallory @alice @nobody', members, 'alice')).toEqual({ users: [], everyone: false });
  });

  it('reads a mention at the start, after punctuation or a line break, and up to punctuation', () => {
    expect(mentionsIn('@bob, (@dave_x): ok\n@carol-2.', members, 'alice').users).toEqual(['bob', 'dave_x', 'carol-2']);
  });

  it('takes no e-mail address or longer word for a mention', () => {
    expect(mentionsIn('mail bob@example.com or x@bob; @bobby', members, 'alice').users).toEqual([]);
  });

  it('tells @everyone apart, whatever its case', () => {
    expect(mentionsIn('@Everyone standup', members, 'alice')).toEqual({ users: [], everyone: true });
  });
});
