import type { ConversationRef, NotifyLevel } from '../ports/index.js';

export const notifyLevels: readonly NotifyLevel[] = ['all', 'mentions', 'none'];

export function isNotifyLevel(word: string): word is NotifyLevel {
  return (notifyLevels as readonly string[]).includes(word);
}

/**
 * What a conversation never set tells of. Direct messages: everything. Groups: everything too, since a group has
 * at most 32 members its creator chose, like a group chat on a phone, where every message notifies. Broadcasts:
 * nothing, since anyone may send one to every user ever registered, and a push to every phone for each would
 * teach people to turn pushes off; they are read on coming back.
 */
export const defaultLevels: Readonly<Record<ConversationRef['kind'], NotifyLevel>> = {
  direct: 'all',
  group: 'all',
  broadcast: 'none',
};

export function levelOf(levels: ReadonlyMap<string, NotifyLevel>, kind: ConversationRef['kind'], withName: string) {
  return levels.get(withName) ?? defaultLevels[kind];
}
