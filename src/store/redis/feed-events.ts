import type { FeedEvent } from '../../core/ports/index.js';
import type { EventType, MessageKind } from '../../core/msgform.js';
import type { Group } from '../../core/chat/directory.js';
import { sessionEndReasons } from '../../core/delivery/stream-session.js';
import { mentionsOf, quoteOf, senderMarks } from './redis-replies.js';

/**
 * Decodes what the scripts publish on `P events` (their `tell`): a JSON array whose first element says what it is.
 *
 *   ['m', id, kind, from, group or '', text, sentAt, recipients...]   a message was stored
 *   ['M', id, kind, from, group or '', text, sentAt, bot ('1' or ''), display name or false, recipients...]
 *                                                                    one with a bot mark or a display name
 *   ['N', id, kind, from, group or '', text, sentAt, bot ('1' or ''), display name or false, mentions (a JSON
 *     list), recipients...]                                          one with mentions
 *   ['R', id, kind, from, group or '', text, sentAt, bot ('1' or ''), display name or false, mentions (a JSON
 *     list or ''), replied id, its sender, its quoted text, recipients...]   a reply
 *   ['u', name]                                                      a user registered
 *   ['g', name, group JSON]                                          a group was created or changed
 *   ['e', id, type, data, at, recipients...]                         an event was stored
 *   ['x', user, token hash, reason]                                  a session ended (exit or revoked)
 *   ['X', user]                                                      every session of a user ended
 *   ['d', name]                                                      a user was deleted (after its 'X')
 *   ['p', name, '1' or '0']                                          a user came online or went offline
 *
 * Returns undefined for anything else, which a newer version may publish.
 */
export function decodeFeedEvent(payload: string): FeedEvent | undefined {
  const event = JSON.parse(payload) as string[];
  switch (event[0]) {
    case 'm': {
      const [, id, kind, from, group, text, sentAt] = event as [
        string,
        string,
        MessageKind,
        string,
        string,
        string,
        string,
      ];
      const base = { id: Number(id), from, kind, text, sentAt: Number(sentAt) };
      return { kind: 'message', message: group === '' ? base : { ...base, group }, recipients: event.slice(7) };
    }
    case 'M':
    case 'N':
    case 'R': {
      const [, id, kind, from, group, text, sentAt, bot, displayName, mentions] = event as unknown as [
        string,
        string,
        MessageKind,
        string,
        string,
        string,
        string,
        string,
        string | false,
        string,
      ];
      const withMentions = event[0] !== 'M';
      const reply = event[0] === 'R';
      const base = {
        id: Number(id),
        from,
        kind,
        text,
        sentAt: Number(sentAt),
        ...senderMarks(bot, displayName === false ? null : displayName),
        ...(withMentions ? mentionsOf(mentions) : {}),
        ...(reply ? quoteOf(event[10]!, event[11]!, event[12]!) : {}),
      };
      const recipients = event.slice(reply ? 13 : withMentions ? 10 : 9);
      return { kind: 'message', message: group === '' ? base : { ...base, group }, recipients };
    }
    case 'e': {
      const [, id, type, json, at] = event as [string, string, EventType, string, string];
      return { kind: 'event', event: { id: Number(id), type, json, at: Number(at) }, recipients: event.slice(5) };
    }
    case 'u':
      return { kind: 'registered', name: event[1]! };
    case 'g':
      return { kind: 'group', group: groupOf(event[1]!, event[2]!) };
    case 'x':
      // An older version published no reason: its only session end was exit.
      return {
        kind: 'session_ended',
        user: event[1]!,
        sessionId: event[2]!,
        reason: sessionEndReasons.find((reason) => reason === event[3]) ?? 'exit',
      };
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

interface GroupJson {
  members: string[] | Record<string, never>;
  createdBy: string;
  createdAt: number;
  owner?: string;
  joined?: Record<string, string | number>;
  left?: Record<string, string | number>;
}

/**
 * A group as the store keeps it: its name, and its JSON. Lua's cjson writes an empty list as `{}`, and
 * positions as strings.
 */
export function groupOf(name: string, json: string): Group & { createdAt: number } {
  const stored = JSON.parse(json) as GroupJson;
  return {
    name,
    members: Array.isArray(stored.members) ? stored.members : [],
    createdBy: stored.createdBy,
    createdAt: stored.createdAt,
    owner: stored.owner ?? stored.createdBy,
    joined: positions(stored.joined),
    left: positions(stored.left),
  };
}

function positions(stored: Record<string, string | number> | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, id] of Object.entries(stored ?? {})) out[name] = Number(id);
  return out;
}
