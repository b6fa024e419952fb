import { movedMembers } from './group-change.js';
import type { NewEvent, Store } from '../ports/index.js';
import type { Accounts } from '../accounts/accounts.js';
import type { Actor } from './commands.js';
import type { Delivery } from '../delivery/delivery.js';
import { ownerOf, type Directory, type Group } from './directory.js';
import { ChatError } from '../errors.js';
import { canonicalName } from '../names.js';
import type { Blocks } from './blocks.js';

/** The size limit of the original system: a group is at most 32 users, its creator included. */
export const maxGroupSize = 32;

export type GroupChangeKind = 'created' | 'added' | 'removed' | 'left' | 'owner' | 'ended';

/** A change another process may have made first is decided again on what the store holds now, this often at most. */
const attempts = 8;

/**
 * Groups people manage: the owner adds and removes members, any member leaves. Each change is decided on the
 * members as they are, then stored with its `group` event for everyone it concerns (the store refuses it if the
 * members changed meanwhile, and it is decided again).
 */
export class GroupMembership {
  constructor(
    private readonly store: Store,
    private readonly directory: Directory,
    private readonly accounts: Accounts,
    private readonly delivery: Delivery,
    private readonly now: () => number,
    private readonly blocks?: Blocks,
  ) {}

  /** The `created` event of a new group, for its members. */
  createdEvent(group: Group): NewEvent {
    return this.event(group, 'created', group.members, group.createdBy, group.members, group.members);
  }

  /** A group as a member sees it; not_member for anyone else. */
  async show(actor: Actor, rawName: string): Promise<Group> {
    return this.memberGroup(actor, rawName);
  }

  async add(actor: Actor, rawName: string, rawMembers: readonly string[]): Promise<{ group: Group; id: number }> {
    const added: string[] = [];
    const unknown: string[] = [];
    for (const raw of rawMembers) {
      const member = canonicalName(raw);
      if (member === undefined || !(await this.accounts.learn(member))) unknown.push(raw.slice(0, 40));
      else if (!added.includes(member)) added.push(member);
    }
    if (unknown.length > 0)
      throw new ChatError('unknown_member', `not registered users: ${unknown.join(', ')}`, 'body.members');
    if (!actor.admin) this.blocks?.refuseIfBlocked(actor.name, added, 'body.members');
    return this.change(actor, rawName, (group) => {
      this.requireOwner(actor, group, 'add members');
      const fresh = added.filter((m) => !group.members.includes(m));
      if (fresh.length === 0) return undefined;
      const members = [...group.members, ...fresh];
      if (members.length > maxGroupSize) {
        throw new ChatError(
          'too_many_members',
          `a group has at most ${maxGroupSize} users; "${group.name}" has ${group.members.length}, and ` +
            `adding ${fresh.length} would make ${members.length}`,
          'body.members',
        );
      }
      return { members, owner: ownerOf(group), added: fresh, removed: [], events: [['added', fresh]] };
    });
  }

  /** The owner removes a member; a member who names themself leaves. */
  async remove(actor: Actor, rawName: string, rawMember: string): Promise<{ group: Group; id: number }> {
    const member = canonicalName(rawMember);
    if (member === actor.name) return this.leave(actor, rawName);
    return this.change(actor, rawName, (group) => {
      this.requireOwner(actor, group, 'remove members');
      if (member === undefined || !group.members.includes(member)) {
        throw new ChatError('not_found', `"${rawMember.slice(0, 40)}" is not a member of "${group.name}"`, 'path.user');
      }
      const members = group.members.filter((m) => m !== member);
      return { members, owner: ownerOf(group), added: [], removed: [member], events: [['removed', [member]]] };
    });
  }

  /** The owner (or an admin) ends the group: every member is removed at once, and told `ended`. */
  async end(actor: Actor, rawName: string): Promise<{ group: Group; id: number }> {
    return this.change(actor, rawName, (group) => {
      this.requireOwner(actor, group, 'end it');
      const removed = [...group.members];
      return { members: [], owner: ownerOf(group), added: [], removed, events: [['ended', removed]] };
    });
  }

  /**
   * The actor leaves. An owner who leaves hands the group to the member who has been in it longest (the first
   * of the members, who are kept in the order they joined); the last member to leave ends it.
   */
  async leave(actor: Actor, rawName: string): Promise<{ group: Group; id: number }> {
    return this.change(actor, rawName, (group) => {
      const members = group.members.filter((m) => m !== actor.name);
      if (members.length === 0)
        return { members, owner: ownerOf(group), added: [], removed: [actor.name], events: [['ended', [actor.name]]] };
      if (ownerOf(group) !== actor.name)
        return { members, owner: ownerOf(group), added: [], removed: [actor.name], events: [['left', [actor.name]]] };
      const heir = members[0]!;
      return {
        members,
        owner: heir,
        added: [],
        removed: [actor.name],
        events: [
          ['left', [actor.name]],
          ['owner', [heir]],
        ],
      };
    });
  }

  private async change(
    actor: Actor,
    rawName: string,
    decide: (group: Group) => Decision | undefined,
  ): Promise<{ group: Group; id: number }> {
    for (let attempt = 1; ; attempt++) {
      const group = await this.memberGroup(actor, rawName, attempt > 1);
      const decision = decide(group);
      if (!decision) return { group, id: 0 };
      // Everyone the change concerns: the members before it (the removed and the leaving included) and the added.
      const recipients = [...group.members, ...decision.added];
      const after: Group = { ...group, members: decision.members, owner: decision.owner };
      const events = decision.events.map(([kind, users]) =>
        this.event(after, kind, users, actor.name, recipients, decision.members),
      ) as [NewEvent, ...NewEvent[]];
      const ids = await this.delivery.change(async () => {
        const ids = await this.store.changeGroup({
          name: group.name,
          expected: group.members,
          members: decision.members,
          owner: decision.owner,
          added: decision.added,
          removed: decision.removed,
          events,
        });
        // Known here before the events reach any stream, so that no later send goes by the old members.
        if (ids) this.directory.addGroup({ ...after, ...movedMembers(group, decision, ids[0]!) });
        return ids;
      });
      if (ids) return { group: this.directory.group(group.name) ?? after, id: ids[ids.length - 1]! };
      if (attempt >= attempts) {
        throw new ChatError(
          'unavailable',
          `"${group.name}" is changing too often to change it now; try again`,
          undefined,
          1_000,
        );
      }
    }
  }

  /** The group, for one of its members; with `fresh`, as the store holds it now. */
  private async memberGroup(actor: Actor, rawName: string, fresh = false): Promise<Group> {
    const name = canonicalName(rawName);
    const group =
      name === undefined ? undefined : fresh ? await this.directory.reload(name) : await this.directory.findGroup(name);
    if (!group) throw new ChatError('not_found', `no group is called "${rawName.slice(0, 40)}"`, 'path.name');
    if (!group.members.includes(actor.name) && !actor.admin)
      throw new ChatError('not_member', `only members of "${group.name}" may see or change it`, 'path.name');
    return group;
  }

  private requireOwner(actor: Actor, group: Group, what: string): void {
    if (ownerOf(group) !== actor.name && !actor.admin) {
      throw new ChatError(
        'forbidden',
        `only the owner of "${group.name}" (${ownerOf(group)}) may ${what}`,
        'path.name',
      );
    }
  }

  private event(
    group: Group,
    change: GroupChangeKind,
    users: readonly string[],
    by: string,
    recipients: readonly string[],
    members: readonly string[],
  ): NewEvent {
    const data = {
      group: group.name,
      change,
      members,
      ...(members.length > 0 ? { owner: ownerOf(group) } : {}),
      users,
      by,
    };
    return { type: 'group', json: JSON.stringify(data), at: this.now(), recipients };
  }
}

interface Decision {
  readonly members: readonly string[];
  readonly owner: string;
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly events: readonly [GroupChangeKind, readonly string[]][];
}
