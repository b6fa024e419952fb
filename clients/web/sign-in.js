// The sign-in form (#sign-in-view): a new username registers, an existing one signs in; and which of the two
// views the page shows, the form or the chat (#chat-view). Where sign-up is by invite, the form has an invite
// code: filled in from an invite link (`#invite=<code>`), or pasted once the server asks for one.

import { api, ApiError } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';

const view = {
  signInView: $('sign-in-view'),
  form: $('sign-in-form'),
  username: $('username'),
  password: $('password'),
  inviteField: $('invite-field'),
  invite: $('invite'),
  error: $('sign-in-error'),
  submit: $('sign-in-submit'),
  chatView: $('chat-view'),
};

/** What the server's refusals of a sign-up or sign-in mean to the person at the form. */
const refusals = {
  registration_closed: 'Sign-up is closed on this server: ask its admin to make you an account.',
  invite_used: 'That invite has been used as many times as it allows: ask for a new one.',
  invite_expired: 'That invite has expired: ask for a new one.',
  account_suspended: 'This account is suspended: an admin has to restore it before you can sign in.',
};

/** The code of an invite link the page was opened with, if any. */
function inviteFromAddress() {
  const match = /^#invite=([A-Za-z0-9_-]{1,64})$/.exec(window.location.hash);
  return match?.[1];
}

function showInviteField(code) {
  view.inviteField.hidden = false;
  if (code !== undefined) view.invite.value = code;
}

const linked = inviteFromAddress();
if (linked !== undefined) showInviteField(linked);

function showError(text) {
  view.error.textContent = text;
  view.error.hidden = false;
}

function refusal(err, invite) {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  if (err.code === 'invite_invalid') {
    showInviteField();
    if (invite) return 'That invite code is not known here: check it, or ask for a new invite.';
    view.invite.focus();
    return 'Sign-up on this server is by invite: paste the code from your invite link, or sign in to an account you have.';
  }
  return refusals[err.code] ?? err.message;
}

state.handle('show-sign-in', (error) => {
  view.chatView.hidden = true;
  view.signInView.hidden = false;
  view.error.hidden = !error;
  view.error.textContent = error ?? '';
  view.password.value = '';
  view.username.focus();
});

state.on('signed-in', () => {
  view.signInView.hidden = true;
  view.chatView.hidden = false;
});

view.form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = view.username.value.trim();
  const password = view.password.value;
  const invite = view.inviteField.hidden ? '' : view.invite.value.trim();
  if (username === '' || password === '') {
    showError('Enter a username and a password.');
    return;
  }
  view.submit.disabled = true;
  try {
    const { body } = await api.join(username, password, invite);
    // The invite link has done its work: a reload should not offer it again.
    if (inviteFromAddress() !== undefined) window.history.replaceState(null, '', window.location.pathname);
    view.invite.value = '';
    view.inviteField.hidden = true;
    await state.request('enter', body.username);
    state.emit('notice', {
      text: body.created ? `Welcome, ${body.username}: your account is ready.` : `Welcome back, ${body.username}.`,
    });
  } catch (err) {
    showError(refusal(err, invite));
  } finally {
    view.submit.disabled = false;
  }
});
