// The sign-in form (#sign-in-view): a new username registers, an existing one signs in; and which of the two
// views the page shows, the form or the chat (#chat-view).

import { api } from './api.js';
import { $ } from './dom.js';
import { state } from './state.js';

const view = {
  signInView: $('sign-in-view'),
  form: $('sign-in-form'),
  username: $('username'),
  password: $('password'),
  error: $('sign-in-error'),
  submit: $('sign-in-submit'),
  chatView: $('chat-view'),
};

function showError(text) {
  view.error.textContent = text;
  view.error.hidden = false;
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
  if (username === '' || password === '') {
    showError('Enter a username and a password.');
    return;
  }
  view.submit.disabled = true;
  try {
    const { body } = await api.join(username, password);
    await state.request('enter', body.username);
    state.emit('notice', {
      text: body.created ? `Welcome, ${body.username}: your account is ready.` : `Welcome back, ${body.username}.`,
    });
  } catch (err) {
    showError(err instanceof Error ? err.message : String(err));
  } finally {
    view.submit.disabled = false;
  }
});
