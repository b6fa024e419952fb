import { ChatError } from '../errors.js';
import type { GroupStore, UserStore } from '../ports/index.js';

export interface Group {
  readonly name: string;
  /** Longest-standing first (the creator, while they are a member); 2 to 32 users, none once it ended. */
  readonly members: readonly string[];
  readonly createdBy: string;
  /** Who may add and remove members; the creator until they leave. Absent: the creator. */
  readonly owner?: string;
  /** The id of the event that added each member who joined after the creation, kept once they leave. */
  readonly joined?: Readonly<Record<string, number>>;
  /** The id of the event that took each former member out. */
  readonly left?: Readonly<Record<string, number>>;
}

export function ownerOf(group: Group): string {
  return group.owner ?? group.createdBy;
}

/**
 * Who exists: every registered user and group, in memory for O(1) lookups. Users and groups share one
 * namespace; a name being created is claimed at once so that two concurrent requests cannot both take it.
 */
export class Directory {
  private readonly users = new Set<string>();
  /**
   * Another process on the same store may have created a user or group moments ago: a group not found here is
   * looked up in the store before it counts as unknown, and the list of users is the store's.
   */
  constructor(private readonly store: Pick<GroupStore, 'findGroup'> & Pick<UserStore, 'userNames'>) {}

  private readonly groups = new Map<string, Group>();
  private readonly claimed = new Set<string>();

  addUser(name: string): void {
    this.users.add(name);
  }

  addGroup(group: Group): void {
    this.groups.set(group.name, group);
  }

  /** Forgets a deleted user, who leaves every group; a group left with no member goes (as in the store). */
  removeUser(name: string): void {
    if (!this.users.delete(name)) return;
    for (const group of this.groups.values()) {
      if (!group.members.includes(name)) continue;
      const members = group.members.filter((m) => m !== name);
      if (members.length === 0) this.groups.delete(group.name);
      else this.groups.set(group.name, { ...group, members });
    }
  }

  hasUser(name: string): boolean {
    return this.users.has(name);
  }

  group(name: string): Group | undefined {
    return this.groups.get(name);
  }

  /** The group of that name, here or (see the constructor) in the store. */
  async findGroup(name: string): Promise<Group | undefined> {
    const known = this.groups.get(name);
    if (known || this.users.has(name)) return known;
    const found = await this.store.findGroup(name);
    if (found) this.addGroup(found);
    return found;
  }

  /** The group as the store holds it now (with several processes, another may have just changed it). */
  async reload(name: string): Promise<Group | undefined> {
    if (this.users.has(name)) return this.groups.get(name);
    const found = await this.store.findGroup(name);
    if (found) this.addGroup(found);
    return found;
  }

  userCount(): number {
    return this.users.size;
  }

  /** Every user, sorted by name, as the store has them (see the constructor). */
  everyUser(): Promise<readonly string[]> {
    return this.store.userNames();
  }

  groupsOf(user: string): Group[] {
    return [...this.groups.values()].filter((g) => g.members.includes(user)).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The groups whose history the user reads some of: those they are in, and those they left. */
  groupsReadBy(user: string): Group[] {
    return [...this.groups.values()].filter((g) => g.members.includes(user) || g.left?.[user] !== undefined);
  }

  /** Claims a free name for the duration of `create`; name_taken when a user, group or pending claim has it. */
  async claim<T>(name: string, create: () => Promise<T>): Promise<T> {
    if (this.users.has(name) || this.groups.has(name) || this.claimed.has(name)) {
      throw new ChatError('name_taken', `the name "${name}" is taken`, 'body.name');
    }
    this.claimed.add(name);
    try {
      return await create();
    } finally {
      this.claimed.delete(name);
    }
  }
}
