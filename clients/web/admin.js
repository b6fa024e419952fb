// The Admin panel, from the top bar, for admins only: the page asks GET /sessions/current once it is signed in,
// and shows the Admin button when the session is an admin's. The users with Suspend and Restore, the
// invites (a new one's link shown with a Copy button) and the audit list (admin-lists.js). A modal <dialog>, as
// the Integrations panel: Escape closes it and focus goes back to the Admin button.

import { renderAudit, renderInvites, renderUsers, inviteLabel } from './admin-lists.js';
import { api, ApiError } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';
import { wireLinkPanel } from './link-panel.js';

const view = {
  dialog: $('admin'),
  session: $('session'),
  openButton: $('admin-open'),
  close: $('admin-close'),
  error: $('admin-error'),
  status: $('admin-status'),
  users: $('admin-users'),
  form: $('invite-form'),
  uses: $('invite-uses'),
  expiry: $('invite-expiry'),
  note: $('invite-note'),
  create: $('invite-create'),
  created: $('invite-created'),
  url: $('invite-url'),
  copy: $('invite-copy'),
  copyStatus: $('invite-copy-status'),
  invites: $('invites'),
  invitesEmpty: $('invites-empty'),
  audit: $('audit'),
  auditEmpty: $('audit-empty'),
};

function showError(err) {
  if (err instanceof ApiError && err.status === 401) {
    close();
    state.emit('failed', err);
    return;
  }
  // The role was taken back meanwhile: the panel goes with it.
  if (err instanceof ApiError && err.code === 'not_admin') {
    close();
    view.openButton.hidden = true;
    view.session.dataset.role = 'member';
    state.emit('notice', { text: 'You are no longer an admin.', tone: 'error' });
    return;
  }
  view.error.textContent = err instanceof Error ? err.message : String(err);
  view.error.hidden = false;
}

async function refreshUsers() {
  const { body } = await api.adminUsers();
  renderUsers(view.users, body.users, state.me, (user) => void setSuspended(user, !user.suspended));
}

async function refreshInvites() {
  const { body } = await api.invites();
  renderInvites(view.invites, view.invitesEmpty, body.invites, (invite) => void deleteInvite(invite));
}

async function refreshAudit() {
  const { body } = await api.audit();
  renderAudit(view.audit, view.auditEmpty, body.entries);
}

async function refresh() {
  try {
    await Promise.all([refreshUsers(), refreshInvites(), refreshAudit()]);
  } catch (err) {
    showError(err);
  }
}

async function open() {
  if (!view.dialog.open) view.dialog.showModal();
  view.close.focus();
  await refresh();
}

function close() {
  if (view.dialog.open) view.dialog.close();
}

/**
 * Runs one change, reads the lists again, then says how it went (so that what is announced is what is shown),
 * and puts focus back on the row's control.
 */
async function change(work, said, focusSelector) {
  view.error.hidden = true;
  view.status.textContent = '';
  try {
    await work();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) return showError(err);
  }
  await refresh();
  view.status.textContent = said;
  (view.dialog.querySelector(focusSelector) ?? view.close).focus();
}

const setSuspended = (user, suspended) =>
  change(
    () => api.suspend(user.name, suspended),
    suspended
      ? `${user.name} is suspended: their sessions are ended and they cannot sign in.`
      : `${user.name} is restored and may sign in again.`,
    `#admin-users li[data-name="${CSS.escape(user.name)}"] button`,
  );

const deleteInvite = (invite) =>
  change(() => api.deleteInvite(invite.code), `${inviteLabel(invite)} is deleted.`, '#invites button');

async function createInvite() {
  const uses = Number(view.uses.value || '1');
  if (!Number.isInteger(uses) || uses < 1 || uses > 1000) {
    view.error.textContent = 'An invite is good for 1 to 1000 uses.';
    view.error.hidden = false;
    view.uses.focus();
    return;
  }
  const invite = { uses };
  if (view.expiry.value !== '') invite.expiresInMs = Number(view.expiry.value);
  const note = view.note.value.trim();
  if (note !== '') invite.note = note;
  view.error.hidden = true;
  view.create.disabled = true;
  try {
    const { body } = await api.createInvite(invite);
    view.note.value = '';
    view.url.value = body.url;
    view.copyStatus.textContent = '';
    view.created.hidden = false;
    view.copy.focus();
    await Promise.all([refreshInvites(), refreshAudit()]);
  } catch (err) {
    showError(err);
  } finally {
    view.create.disabled = false;
  }
}

/**
 * Whether the signed-in user is an admin: the one question the page asks, once a session starts. The answer is
 * also on #session as `data-role` (admin, member), unset until known.
 */
async function probe() {
  const me = state.me;
  view.openButton.hidden = true;
  delete view.session.dataset.role;
  let admin = false;
  try {
    // The session says whether it is an admin's: asking an admin route would answer everyone else 403.
    admin = (await api.whoami()).body.admin === true;
  } catch {
    // No answer: no Admin button.
  }
  if (state.me !== me) return;
  view.openButton.hidden = !admin;
  view.session.dataset.role = admin ? 'admin' : 'member';
}

wireLinkPanel(view, { open, close, create: createInvite, what: 'the link' });
state.on('signed-in', () => void probe());
state.on('signed-out', () => {
  close();
  view.openButton.hidden = true;
  delete view.session.dataset.role;
});
