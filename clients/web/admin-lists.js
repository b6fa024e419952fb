// The lists of the Admin panel (admin.js): the users with their role, state, sessions and last activity, each
// with Suspend or Restore; the invites with what is left of them and Delete; and the audit list.

import { el } from './dom.js';
import { shortWhen } from './times.js';

const plural = (n, one) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** A button whose visible label is the same on every row, and whose accessible name says which row. */
function rowButton(label, accessibleName, onClick) {
  const button = el('button', 'ghost small', label);
  button.type = 'button';
  button.setAttribute('aria-label', accessibleName);
  button.addEventListener('click', onClick);
  return button;
}

/** @param {(user: object) => void} onSuspend toggles the user's suspension */
function userItem(user, me, onSuspend) {
  const li = el('li', `integration admin-user${user.suspended ? ' suspended' : ''}`);
  li.dataset.name = user.name;
  const text = el('div', 'integration-text');
  const head = el('span', 'integration-name', user.name);
  if (user.role !== 'user') head.append(' ', el('span', `role-badge role-${user.role}`, user.role));
  if (user.suspended) head.append(' ', el('span', 'state-badge', 'suspended'));
  const active = user.lastActiveAt ? `last active ${shortWhen(user.lastActiveAt)}` : 'never active';
  text.append(
    head,
    el(
      'span',
      'integration-detail',
      `${user.online ? 'online' : 'offline'} · ${plural(user.sessions, 'session')} · ${active} · joined ${shortWhen(user.createdAt)}`,
    ),
  );
  li.append(text);
  // An admin is suspended by nobody but the operator, who takes the role back first; nobody suspends themself.
  if (user.role !== 'admin' && user.name !== me) {
    const label = user.suspended ? 'Restore' : 'Suspend';
    li.append(rowButton(label, `${label} ${user.name}`, () => onSuspend(user)));
  }
  return li;
}

export function renderUsers(list, users, me, onSuspend) {
  list.replaceChildren(...users.map((user) => userItem(user, me, onSuspend)));
}

/** An invite's label: its note, else the start of its code. */
export const inviteLabel = (invite) => invite.note ?? `Invite ${invite.code.slice(0, 8)}…`;

function inviteItem(invite, onDelete) {
  const li = el('li', 'integration');
  li.dataset.code = invite.code;
  const text = el('div', 'integration-text');
  const left = invite.uses - invite.used;
  const expired = invite.expiresAt !== undefined && Date.parse(invite.expiresAt) <= Date.now();
  const state = expired
    ? `expired ${shortWhen(invite.expiresAt)}`
    : left <= 0
      ? 'used up'
      : `${plural(left, 'use')} left${invite.expiresAt ? ` until ${shortWhen(invite.expiresAt)}` : ''}`;
  text.append(
    el('span', 'integration-name', inviteLabel(invite)),
    el(
      'span',
      'integration-detail',
      `${invite.used} of ${invite.uses} used · ${state} · by ${invite.createdBy}, ${shortWhen(invite.createdAt)}`,
    ),
    el('span', 'integration-detail invite-link', invite.url),
  );
  li.append(
    text,
    rowButton('Delete', `Delete ${inviteLabel(invite)}`, () => onDelete(invite)),
  );
  return li;
}

export function renderInvites(list, empty, invites, onDelete) {
  list.replaceChildren(...invites.map((invite) => inviteItem(invite, onDelete)));
  empty.hidden = invites.length > 0;
}

/** `suspend` -> "suspend", `delete_message` -> "delete message". */
const actionText = (action) => action.replaceAll('_', ' ');

export function renderAudit(list, empty, entries) {
  list.replaceChildren(
    ...entries.map((entry) => {
      const li = el('li', 'audit-entry');
      const what = el('span', 'audit-what');
      what.append(
        el('strong', undefined, entry.actor),
        ` ${actionText(entry.action)} `,
        el('strong', undefined, entry.target),
      );
      if (entry.detail) what.append(` (${entry.detail})`);
      const when = el('time', 'audit-when', shortWhen(entry.at));
      when.dateTime = entry.at;
      li.append(when, what);
      return li;
    }),
  );
  empty.hidden = entries.length > 0;
}
