import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/core/chat/command-parser.js';
import { ChatError } from '../../src/core/errors.js';

describe('the original command language', () => {
  it.each([
    ['get_users', { kind: 'get_users' }],
    ['  get_users  ', { kind: 'get_users' }],
    ['exit', { kind: 'exit' }],
    ['exit\n', { kind: 'exit' }],
    ['user1: hi', { kind: 'send', to: 'user1', text: 'hi' }],
    ['user1:hi', { kind: 'send', to: 'user1', text: 'hi' }],
    ['user1:  two spaces', { kind: 'send', to: 'user1', text: ' two spaces' }],
    ['g1: time: 10:30', { kind: 'send', to: 'g1', text: 'time: 10:30' }],
    ['broad: hello all', { kind: 'broadcast', text: 'hello all' }],
    ['mk_grp:g1:user1:user2', { kind: 'create_group', name: 'g1', members: ['user1', 'user2'] }],
    ['mk_grp: g1 : user1 :user2:', { kind: 'create_group', name: 'g1', members: ['user1', 'user2'] }],
    ['mk_grp:g1', { kind: 'create_group', name: 'g1', members: [] }],
    ['add_grp:g1:user3', { kind: 'add_members', group: 'g1', members: ['user3'] }],
    ['add_grp: g1 :user3: user4:', { kind: 'add_members', group: 'g1', members: ['user3', 'user4'] }],
    ['rm_grp:g1:user3', { kind: 'remove_member', group: 'g1', member: 'user3' }],
    ['leave:g1', { kind: 'leave', group: 'g1' }],
    ['leave: g1 ', { kind: 'leave', group: 'g1' }],
    ['notify:team:mentions', { kind: 'notify', with: 'team', level: 'mentions' }],
    ['notify: bob : none', { kind: 'notify', with: 'bob', level: 'none' }],
    ['quiet:90', { kind: 'quiet', minutes: 90 }],
    ['quiet: off', { kind: 'quiet', minutes: null }],
    ['>42 bob: yes', { kind: 'send', to: 'bob', text: 'yes', replyTo: 42 }],
    ['  >42   team :  yes: at 10', { kind: 'send', to: 'team', text: ' yes: at 10', replyTo: 42 }],
    ['+42 👍', { kind: 'react', id: 42, emoji: '👍', on: true }],
    [' -42  👩🏽‍💻 ', { kind: 'react', id: 42, emoji: '👩🏽‍💻', on: false }],
  ])('parses %j', (line, command) => {
    expect(parseCommandLine(line)).toEqual(command);
  });

  it.each([
    '',
    'hello',
    ': no target',
    'two words: hi',
    'get_users please',
    'rm_grp:g1:a:b',
    'leave:g1:g2',
    'notify:team',
    'notify:team:loud',
    'quiet:0',
    'quiet:-5',
    'quiet:1.5',
    'quiet',
    '>bob: no id',
    '>42: no name',
    '> 42 bob: space before the id',
    '>42 two words: hi',
    '+42',
    '+x 👍',
    '+42 👍 👍',
  ])('rejects %j as not a command', (line) => {
    expect(() => parseCommandLine(line)).toThrow(ChatError);
  });

  it('leaves empty texts to the validators, which name the field', () => {
    expect(parseCommandLine('bob:')).toEqual({ kind: 'send', to: 'bob', text: '' });
  });

  it('leaves what a reaction says to the validators too: one emoji, an id in range', () => {
    expect(parseCommandLine('+42 x')).toEqual({ kind: 'react', id: 42, emoji: 'x', on: true });
  });
});
