// The Integrations panel, from the top bar: an incoming hook for the open conversation (its URL shown once, with
// a Copy button), the user's hooks (hooks-list.js) and the bots they own with their webhooks (bots-list.js).
// A modal <dialog>, as the account panel: the browser keeps focus inside it, Escape closes it, and focus goes
// back to the Integrations button.

import { api, ApiError } from './api.js';
import { renderBots } from './bots-list.js';
import { titleOf } from './conversations.js';
import { $, el } from './dom.js';
import { renderHooks, targetName } from './hooks-list.js';
import { state } from './state.js';
import { wireLinkPanel } from './link-panel.js';

const view = {
  dialog: $('integrations'),
  openButton: $('integrations-open'),
  close: $('integrations-close'),
  form: $('hook-form'),
  target: $('hook-target'),
  name: $('hook-name'),
  create: $('hook-create'),
  created: $('hook-created'),
  url: $('hook-url'),
  copy: $('hook-copy'),
  copyStatus: $('hook-copy-status'),
  error: $('integrations-error'),
  status: $('integrations-status'),
  hooks: $('hooks'),
  hooksEmpty: $('hooks-empty'),
  bots: $('bots'),
  botsEmpty: $('bots-empty'),
};

function showError(err) {
  if (err instanceof ApiError && err.status === 401) {
    close();
    state.emit('failed', err);
    return;
  }
  view.error.textContent = err instanceof Error ? err.message : String(err);
  view.error.hidden = false;
}

/** Where a new hook would post: the open conversation, said in the form; without one, nothing to make. */
function renderTarget() {
  const conv = state.current;
  view.name.disabled = view.create.disabled = !conv;
  view.target.replaceChildren();
  if (!conv) {
    view.target.textContent = 'Open a conversation first: a hook posts to the conversation open.';
    return;
  }
  view.target.append('Posts Slack-format messages to ', el('strong', undefined, titleOf(conv)), ', marked as a bot.');
}

async function refreshHooks() {
  const { body } = await api.hooks();
  renderHooks(view.hooks, view.hooksEmpty, body.hooks, (hook, label) => void deleteHook(hook, label));
}

async function refreshBots() {
  const { body } = await api.bots();
  // The list leaves out each webhook's state: one request per bot brings it.
  const bots = await Promise.all(body.bots.map((bot) => api.bot(bot.name).then((res) => res.body)));
  renderBots(view.bots, view.botsEmpty, bots);
}

async function refresh() {
  try {
    await Promise.all([refreshHooks(), refreshBots()]);
  } catch (err) {
    showError(err);
  }
}

async function open() {
  renderTarget();
  if (!view.dialog.open) view.dialog.showModal();
  (view.name.disabled ? view.close : view.name).focus();
  await refresh();
}

function close() {
  if (view.dialog.open) view.dialog.close();
}

async function createHook() {
  const to = state.open;
  if (to === undefined) return;
  view.error.hidden = true;
  view.status.textContent = '';
  view.create.disabled = true;
  try {
    const { body } = await api.createHook(to, view.name.value.trim());
    view.form.reset();
    view.url.value = body.url;
    view.copyStatus.textContent = '';
    view.created.hidden = false;
    view.copy.focus();
    await refreshHooks();
  } catch (err) {
    showError(err);
  } finally {
    view.create.disabled = false;
  }
}

async function deleteHook(hook, label) {
  view.error.hidden = true;
  try {
    await api.deleteHook(hook.id);
  } catch (err) {
    // Gone already: the list below shows how things stand.
    if (!(err instanceof ApiError && err.status === 404)) return showError(err);
  }
  try {
    await refreshHooks();
  } catch (err) {
    showError(err);
  }
  view.status.textContent = `${label}, to ${targetName(hook.to)}, is deleted.`;
  // Focus stays in the list when there is another hook, else goes to the form.
  (view.hooks.querySelector('button') ?? (view.name.disabled ? view.close : view.name)).focus();
}

wireLinkPanel(view, { open, close, create: createHook, what: 'the URL' });
state.on('signed-out', close);
