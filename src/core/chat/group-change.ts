import type { GroupChange, StoredGroup } from '../ports/index.js';

/** A group's members, owner and positions once `change` applied with the event `id`: what every store records. */
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
  // A former member keeps the window they had: from when they joined (kept) until now.
  for (const name of change.removed) left[name] = id;
  return { members: [...change.members], owner: change.owner, joined, left };
}
