import type { ClusterEvent } from '../../core/cluster.js';
import type { MessageKind } from '../../core/msgform.js';

/**
 * Decodes what the scripts publish on `P events` (their `tell`): a JSON array whose first element says what it is.
 *
 *   ['m', id, kind, from, group or '', text, sentAt, recipients...]   a message was stored
 *   ['u', name]                                                      a user registered
 *   ['g', name, group JSON]                                          a group was created
 *   ['x', user, token hash, reason]                                  a session ended (exit or revoked)
 *   ['X', user]                                                      every session of a user ended
 *   ['d', name]                                                      a user was deleted (after its 'X')
 *   ['p', name, '1' or '0']                                          a user came online or went offline
 *
 * Returns undefined for anything else, which a newer version may publish.
 */
export function decodeFeedEvent(payload: string): ClusterEvent | undefined {
  const event = JSON.parse(payload) as string[];
  switch (event[0]) {
    case 'm': {
      const [, id, kind, from, group, text, sentAt] = event as [string, string, MessageKind, string, string, string, string];
      const base = { id: Number(id), from, kind, text, sentAt: Number(sentAt) };
      return { kind: 'message', message: group === '' ? base : { ...base, group }, recipients: event.slice(7) };
    }
    case 'u':
      return { kind: 'registered', name: event[1]! };
    case 'g':
      return { kind: 'group', group: groupOf(event[1]!, event[2]!) };
    case 'x':
      // An older version published no reason: its only session end was exit.
      return { kind: 'session_ended', user: event[1]!, sessionId: event[2]!, reason: event[3] === 'revoked' ? 'revoked' : 'exit' };
    case 'X':
      return { kind: 'sessions_ended', user: event[1]! };
    case 'd':
      return { kind: 'deleted', name: event[1]! };
    case 'p':
      return { kind: 'presence', name: event[1]!, online: event[2] === '1' };
    default:
      return undefined;
  }
}

/** A group as the store keeps it: its name, and its JSON of members and creator. */
export function groupOf(name: string, json: string): { name: string; members: string[]; createdBy: string } {
  const { members, createdBy } = JSON.parse(json) as { members: string[]; createdBy: string };
  return { name, members, createdBy };
}
