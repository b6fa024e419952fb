import type { Command } from './commands.js';
import { ChatError } from '../errors.js';
import { isNotifyLevel } from '../notify/levels.js';

/**
 * Parses one line of the original command language into a Command. Only the grammar is checked here; the
 * fields are validated by the same schemas as the REST bodies, and the rules by the executor.
 *
 *   get_users | exit | broad: <text> | mk_grp:<group>:<user>[:<user>...] | <name>: <text>
 *   add_grp:<group>:<user>[:<user>...] | rm_grp:<group>:<user> | leave:<group>
 *   block:<user> | unblock:<user> | suspend:<user> | restore:<user> (the last two for admins)
 *   notify:<conversation>:<all|mentions|none> | quiet:<minutes> | quiet:off
 *   ><id> <name>: <text> (a reply to message <id>) | +<id> <emoji> | -<id> <emoji> (a reaction, and taking it back)
 *
 * A reply and a reaction start with a character no name can start with (a name starts with a letter), so no line
 * that was `<name>: <text>` before means anything else now, and no word had to be reserved for them.
 */
export function parseCommandLine(input: string): Command {
  const line = input.replace(/\r?\n$/, '');
  const trimmed = line.trim();
  if (trimmed === 'get_users') return { kind: 'get_users' };
  if (trimmed === 'exit') return { kind: 'exit' };
  if (/^mk_grp\s*:/.test(trimmed)) {
    const [, name = '', ...members] = fields(trimmed);
    return { kind: 'create_group', name, members: members.filter((m) => m !== '') };
  }
  if (/^add_grp\s*:/.test(trimmed)) {
    const [, group = '', ...members] = fields(trimmed);
    return { kind: 'add_members', group, members: members.filter((m) => m !== '') };
  }
  if (/^rm_grp\s*:/.test(trimmed)) {
    const [, group = '', member = '', ...rest] = fields(trimmed);
    if (rest.length > 0)
      throw new ChatError('invalid_request', 'remove one member at a time: "rm_grp:<group>:<user>"', 'body');
    return { kind: 'remove_member', group, member };
  }
  const toggle = /^(block|unblock|suspend|restore)\s*:/.exec(trimmed)?.[1];
  if (toggle !== undefined) {
    const [, user = '', ...rest] = fields(trimmed);
    if (rest.length > 0) throw new ChatError('invalid_request', `one user at a time: "${toggle}:<user>"`, 'body');
    const on = toggle === 'block' || toggle === 'suspend';
    return toggle === 'block' || toggle === 'unblock' ? { kind: 'block', user, on } : { kind: 'suspend', user, on };
  }
  if (/^notify\s*:/.test(trimmed)) {
    const [, conversation = '', level = '', ...rest] = fields(trimmed);
    if (rest.length > 0) {
      throw new ChatError('invalid_request', 'one conversation at a time: "notify:<conversation>:<level>"', 'body');
    }
    if (!isNotifyLevel(level)) throw new ChatError('invalid_request', 'must be all, mentions or none', 'command.level');
    return { kind: 'notify', with: conversation, level };
  }
  if (/^quiet\s*:/.test(trimmed)) {
    const [, span = '', ...rest] = fields(trimmed);
    if (rest.length === 0 && span === 'off') return { kind: 'quiet', minutes: null };
    if (rest.length === 0 && /^[1-9][0-9]{0,6}$/.test(span)) return { kind: 'quiet', minutes: Number(span) };
    throw new ChatError(
      'invalid_request',
      'quiet for some minutes, or no longer: "quiet:<minutes>" or "quiet:off"',
      'body',
    );
  }
  if (/^leave\s*:/.test(trimmed)) {
    const [, group = '', ...rest] = fields(trimmed);
    if (rest.length > 0) throw new ChatError('invalid_request', 'leave one group at a time: "leave:<group>"', 'body');
    return { kind: 'leave', group };
  }
  if (trimmed.startsWith('>')) return reply(line);
  if (/^[+-]/.test(trimmed)) return reaction(trimmed);
  const colon = line.indexOf(':');
  if (colon > 0) {
    const target = line.slice(0, colon).trim();
    // One space after the colon is the separator of the original syntax; the rest of the text is kept as is.
    const text = line.slice(colon + 1).replace(/^ /, '');
    if (target === 'broad') return { kind: 'broadcast', text };
    if (target !== '' && !/\s/.test(target)) return { kind: 'send', to: target, text };
  }
  throw new ChatError(
    'invalid_request',
    'not a command: use "<user or group>: <text>", "broad: <text>", "mk_grp:<group>:<user>:...", ' +
      '"add_grp:<group>:<user>:...", "rm_grp:<group>:<user>", "leave:<group>", "block:<user>", ' +
      '"unblock:<user>", "notify:<conversation>:<level>", "quiet:<minutes>", "><id> <user or group>: <text>", ' +
      '"+<id> <emoji>", "-<id> <emoji>", "get_users" or "exit"',
    'body',
  );
}

/** `>42 bob: text`: the original form, after `>` and the id of the message it answers. */
function reply(line: string): Command {
  const head = /^\s*>([0-9]{1,16})[ \t]+([^\s:]+)[ \t]*:/.exec(line);
  if (!head) {
    throw new ChatError('invalid_request', 'a reply is ">42 <user or group>: <text>", 42 the message answered', 'body');
  }
  // As in the original form, one space after the colon separates; the rest is the text as typed.
  const text = line.slice(head[0].length).replace(/^ /, '');
  return { kind: 'send', to: head[2]!, text, replyTo: Number(head[1]) };
}

/** `+42 👍` reacts to message 42; `-42 👍` takes the reaction back. */
function reaction(trimmed: string): Command {
  const parts = /^([+-])([0-9]{1,16})[ \t]+(\S+)$/.exec(trimmed);
  if (!parts) {
    throw new ChatError('invalid_request', 'a reaction is "+42 <emoji>", and "-42 <emoji>" takes it back', 'body');
  }
  return { kind: 'react', id: Number(parts[2]), emoji: parts[3]!, on: parts[1] === '+' };
}

function fields(line: string): string[] {
  return line.split(':').map((part) => part.trim());
}
