// A group's members in the conversation view: who is in it and who owns it, Add and Remove for the owner, Leave
// for everyone; and the stream's `group` events applied to the page's groups, so that a group the user was
// added to appears and one they left or were removed from goes, without a reload.

import { el } from './dom.js';

export class GroupPanel {
  /**
   * @param {{
   *   toggle: HTMLButtonElement, panel: HTMLElement, list: HTMLElement, addForm: HTMLFormElement,
   *   addInput: HTMLInputElement, leave: HTMLButtonElement, owner: HTMLElement,
   * }} view
   * @param {{
   *   me(): string|undefined, group(name: string): {name: string, members: string[], owner?: string}|undefined,
   *   add(group: string, members: string[]): Promise<void>, remove(group: string, user: string): Promise<void>,
   * }} on
   */
  constructor(view, on) {
    this.view = view;
    this.on = on;
    this.name = undefined;
    view.toggle.addEventListener('click', () => this.setOpen(view.panel.hidden));
    view.addForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const names = view.addInput.value.split(/[\s,]+/).filter((n) => n !== '');
      if (!this.name || names.length === 0) return;
      await this.on.add(this.name, names);
      view.addInput.value = '';
      view.addInput.focus();
    });
    view.leave.addEventListener('click', () => {
      const me = this.on.me();
      if (this.name && me) void this.on.remove(this.name, me);
    });
    view.panel.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      this.setOpen(false);
      view.toggle.focus();
    });
  }

  /** Shows the controls of the group `name` (undefined: the open conversation is no group). */
  show(name) {
    if (name !== this.name) this.setOpen(false);
    this.name = name;
    this.view.toggle.hidden = name === undefined;
    this.render();
  }

  setOpen(open) {
    this.view.panel.hidden = !open || this.name === undefined;
    this.view.toggle.setAttribute('aria-expanded', String(!this.view.panel.hidden));
  }

  render() {
    const group = this.name === undefined ? undefined : this.on.group(this.name);
    const me = this.on.me();
    if (!group || !me) {
      this.view.list.replaceChildren();
      return;
    }
    const owner = group.owner ?? group.members[0];
    const mine = owner === me;
    this.view.owner.textContent = mine ? 'You own this group.' : `Owned by ${owner}.`;
    this.view.addForm.hidden = !mine;
    this.view.list.replaceChildren(
      ...group.members.map((member) => {
        const li = el('li', 'member');
        li.dataset.name = member;
        li.append(el('span', 'member-name', member === me ? `${member} (you)` : member));
        if (member === owner) li.append(el('span', 'member-role', 'owner'));
        if (mine && member !== me) {
          const remove = el('button', 'ghost small remove', 'Remove');
          remove.type = 'button';
          remove.append(el('span', 'visually-hidden', ` ${member} from ${group.name}`));
          remove.addEventListener('click', () => void this.on.remove(group.name, member));
          li.append(remove);
        }
        return li;
      }),
    );
  }
}

/**
 * Applies a `group` event to the page's groups.
 * @param {Map<string, object>} groups name -> {name, members, owner, createdBy}
 * @param {string} me
 * @param {{group: string, change: string, members: string[], owner?: string, users: string[], by: string}} data
 * @returns {'joined'|'changed'|'gone'} what it means for this user
 */
export function applyGroupEvent(groups, me, data) {
  if (!data.members.includes(me)) {
    groups.delete(data.group);
    return 'gone';
  }
  const known = groups.get(data.group);
  groups.set(data.group, {
    createdBy: known?.createdBy ?? data.by,
    ...known,
    name: data.group,
    members: data.members,
    owner: data.owner,
  });
  return known ? 'changed' : 'joined';
}

/** A sentence for the notice line about a change someone else made. */
export function describeGroupEvent(me, data) {
  const who = (name) => (name === me ? 'you' : name);
  const users = data.users.map(who).join(', ');
  switch (data.change) {
    case 'created':
      return `${who(data.by)} created ${data.group}.`;
    case 'added':
      return `${who(data.by)} added ${users} to ${data.group}.`;
    case 'removed':
      return `${who(data.by)} removed ${users} from ${data.group}.`;
    case 'left':
      return `${users} left ${data.group}.`;
    case 'owner':
      return `${users === 'you' ? 'You now own' : `${users} now owns`} ${data.group}.`;
    case 'ended':
      return `${data.group} has ended: nobody is left in it.`;
    default:
      return `${data.group} changed.`;
  }
}
