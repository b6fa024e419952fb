import type { ConversationRef, GroupChange, StoredGroup } from './store.js';

/** The part of a group's history a reader has: all of it unless the reference says otherwise. */
export function windowOf(conversation: ConversationRef): { after: number; through: number } {
  if (conversation.kind !== 'group') return { after: 0, through: Number.MAX_SAFE_INTEGER };
  return { after: conversation.after ?? 0, through: conversation.through ?? Number.MAX_SAFE_INTEGER };
}

/** A group's members, owner and positions once `change` applied with the event `id`. */
export function movedMembers(
  group: Pick<StoredGroup, 'joined' | 'left'>,
  change: Pick<GroupChange, 'members' | 'owner' | 'added' | 'removed'>,
  id: number,
): { members: string[]; owner: string; joined: Record<string, number>; left: Record<string, number> } {
  const joined = { ...group.joined };
  const left = { ...group.left };
  for (const name of change.added) {
    joined[name] = id;
    delete left[name];
  }
  for (const name of change.removed) {
    left[name] = id;
    delete joined[name];
  }
  return { members: [...change.members], owner: change.owner, joined, left };
}
