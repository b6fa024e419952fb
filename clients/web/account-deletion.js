// Deleting one's own account, in the Account panel (#delete-account-form): the password is the confirmation.
// Once the server has deleted it, every tab of this browser is signed out and the sign-in form says so.

import { api, ApiError } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';

const view = {
  dialog: $('account'),
  form: $('delete-account-form'),
  password: $('delete-password'),
  error: $('delete-account-error'),
  submit: $('delete-account'),
};

function showError(text) {
  view.error.textContent = text;
  view.error.hidden = false;
  view.password.focus();
}

view.form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = view.password.value;
  if (password === '') return showError('Enter your password to delete your account.');
  view.submit.disabled = true;
  try {
    await api.deleteAccount(password);
  } catch (err) {
    if (err instanceof ApiError && err.code === 'bad_credentials') showError('That is not your password.');
    else showError(err instanceof Error ? err.message : String(err));
    return;
  } finally {
    view.submit.disabled = false;
  }
  if (view.dialog.open) view.dialog.close();
  const name = state.me;
  await state.request('sign-out', { said: `The account ${name} is deleted.` });
});

view.dialog.addEventListener('close', () => {
  view.form.reset();
  view.error.hidden = true;
});
