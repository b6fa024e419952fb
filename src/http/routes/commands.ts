import express, { type Router } from 'express';
import { parseCommandLine } from '../../core/chat/command-parser.js';
import type { Command } from '../../core/chat/commands.js';
import { ChatError } from '../../core/errors.js';
import { actorOf, requireActor } from '../auth.js';
import type { HttpDeps } from '../deps.js';
import { sendResult } from '../present.js';
import type { RequestSchemas } from '../schemas.js';
import { sendOptions, validate } from '../validate.js';

/** Validates a parsed line with the very schemas of the REST bodies, so both doors accept the same things. */
function validated(schemas: RequestSchemas, command: Command): Command {
  switch (command.kind) {
    case 'send': {
      const { to, text } = validate(schemas.sendMessage, { to: command.to, text: command.text }, 'command');
      return { kind: 'send', to, text, ...replyOf(command, schemas) };
    }
    case 'react':
      return {
        ...command,
        id: Number(validate(schemas.messageId, String(command.id), 'command.id')),
        emoji: validate(schemas.emoji, command.emoji, 'command.emoji'),
      };
    case 'broadcast':
      return { kind: 'broadcast', ...validate(schemas.broadcast, { text: command.text }, 'command') };
    case 'create_group':
      return {
        kind: 'create_group',
        ...validate(schemas.createGroup, { name: command.name, members: command.members }, 'command'),
      };
    case 'add_members':
      return {
        kind: 'add_members',
        group: validate(schemas.name, command.group, 'command.group'),
        ...validate(schemas.addMembers, { members: command.members }, 'command'),
      };
    case 'remove_member':
      return {
        kind: 'remove_member',
        group: validate(schemas.name, command.group, 'command.group'),
        member: validate(schemas.name, command.member, 'command.user'),
      };
    case 'leave':
      return { kind: 'leave', group: validate(schemas.name, command.group, 'command.group') };
    case 'block':
    case 'suspend':
      return { ...command, user: validate(schemas.name, command.user, 'command.user') };
    case 'notify':
      return { ...command, with: validate(schemas.name, command.with, 'command.with') };
    default:
      return command;
  }
}

/** One line of the original command language, as `curl -d 'bob: hi'` sends it. */
export function commandRoutes(router: Router, { accounts, chat, schemas, limits }: HttpDeps): void {
  // curl -d sends application/x-www-form-urlencoded; the line is read raw either way, never form-decoded.
  const readLine = express.text({
    type: ['text/plain', 'application/x-www-form-urlencoded'],
    limit: limits.maxBodyBytes,
  });
  router.post('/commands', requireActor(accounts), readLine, async (req, res) => {
    if (typeof req.body !== 'string') {
      throw new ChatError('unsupported_media_type', 'send the command line as text/plain', 'header.content-type');
    }
    const options = sendOptions(req, schemas);
    const line = req.body.replace(/\r?\n$/, '');
    if (/[\r\n]/.test(line)) throw new ChatError('invalid_request', 'send one command line per request', 'body');
    const command = validated(schemas, parseCommandLine(line));
    try {
      sendResult(req, res, await chat.execute(actorOf(res), command, options));
    } catch (err) {
      // The executor names request fields; here they are parts of the command line.
      const part = err instanceof ChatError ? /^(?:body|path)\.(.*)$/.exec(err.field ?? '')?.[1] : undefined;
      if (err instanceof ChatError && part !== undefined) {
        throw new ChatError(err.code, err.message, `command.${part === 'name' ? nameField(command) : part}`);
      }
      throw err;
    }
  });
}

/** The message a reply answers, checked as the REST body's `replyTo` is. */
function replyOf(command: { readonly replyTo?: number }, schemas: RequestSchemas): { replyTo?: number } {
  if (command.replyTo === undefined) return {};
  return { replyTo: Number(validate(schemas.messageId, String(command.replyTo), 'command.replyTo')) };
}

/** What a `name` the executor names is, in the command line: the user of a block or suspension, else a group. */
function nameField(command: Command): string {
  if (command.kind === 'block' || command.kind === 'suspend') return 'user';
  return command.kind === 'create_group' ? 'name' : 'group';
}
