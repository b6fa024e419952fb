import { statSync } from 'node:fs';
import { ChatError } from '../core/errors.js';
import type { Backup } from '../core/ports/index.js';
import type { Ended, Operator } from '../core/operator.js';
import type { OperatorRequest } from './operator-protocol.js';

export interface OperatorDeps {
  readonly operator: Operator;
  /** Copies the database to a new file; absent for a store that keeps nothing. */
  readonly backup: Backup | undefined;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const ended = ({ sessions, streams }: Ended) =>
  `${plural(sessions, 'session')} ended, ${plural(streams, 'stream')} closed`;

/** `2026-11-24 09:00 UTC` */
function when(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Runs one operator command and says what it did, one line (`users`: one line per user). */
export async function runOperatorCommand(deps: OperatorDeps, request: OperatorRequest): Promise<string[]> {
  const { operator } = deps;
  switch (request.command) {
    case 'users':
    case 'bots': {
      const users = request.command === 'users' ? await operator.users() : await operator.bots();
      if (users.length === 0) return [`no ${request.command}`];
      const width = Math.max(...users.map((u) => u.name.length));
      return users.map(
        (u) =>
          `${u.name.padEnd(width)}  ${u.online ? 'online ' : 'offline'}  created ${when(u.createdAt)}  ` +
          `${plural(u.sessions, 'session')}${u.owner === undefined ? '' : `  bot of ${u.owner}`}` +
          `${u.admin ? '  admin' : ''}${u.suspended ? '  suspended' : ''}`,
      );
    }
    case 'grant-admin':
      await operator.setAdmin(request.name, true);
      return [`${request.name} is an admin`];
    case 'revoke-admin':
      await operator.setAdmin(request.name, false);
      return [`${request.name} is no longer an admin`];
    case 'create-user':
      return [`created ${await operator.createUser(request.name, request.password)}`];
    case 'delete-bot': {
      const result = await operator.deleteBot(request.name);
      return [`deleted bot ${request.name}: account, hooks and webhook removed, ${ended(result)}`];
    }
    case 'logout':
      return [`logged out ${request.name}: ${ended(await operator.logout(request.name))}`];
    case 'reset-password':
      return [
        `new password for ${request.name}: ${ended(await operator.resetPassword(request.name, request.password))}`,
      ];
    case 'delete-user': {
      const result = await operator.deleteUser(request.name);
      return [
        `deleted ${request.name}: account and queue removed, ${ended(result)}, left ${plural(result.groups, 'group')}`,
      ];
    }
    case 'backup': {
      if (!deps.backup)
        throw new ChatError(
          'unavailable',
          'this server keeps no database file (--store memory keeps nothing; --store redis is backed up with ' +
            "Redis's own persistence: see docs/operations.md)",
        );
      const started = Date.now();
      await deps.backup.backup(request.file);
      const kib = Math.ceil(statSync(request.file).size / 1024);
      return [`backed up to ${request.file} (${kib} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s`];
    }
  }
}
