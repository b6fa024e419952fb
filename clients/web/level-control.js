// The open conversation's notification level (#level-control in its header): a button that says the level and
// opens a small panel of three choices, every message, mentions of the user, or nothing. A choice goes to the
// server at once (PUT /conversations/{with}/notifications), which tells every device of the user; the button
// follows the level the server says, from the list, the history or the stream.

import { api } from './api.js';
import { levelOf } from './conversations.js';
import { $ } from './dom.js';
import { icon } from './icons.js';
import { state } from './state.js';

const view = {
  control: $('level-control'),
  toggle: $('conv-level'),
  text: $('conv-level-text'),
  panel: $('conv-level-panel'),
  note: $('conv-level-note'),
  choices: [...document.querySelectorAll('input[name="conv-level"]')],
};

const names = { all: 'All', mentions: 'Mentions', none: 'Muted' };
const icons = { all: 'bell', mentions: 'at', none: 'bell-off' };

function note(conv) {
  if (state.quiet && conv.kind !== 'direct') return 'Do not disturb is on: only direct messages notify until it ends.';
  if (conv.kind === 'direct' && levelOf(conv) === 'mentions')
    return 'Direct messages never mention: this is as quiet as Nothing.';
  return 'For every device you are signed in on.';
}

function render() {
  const conv = state.current;
  view.control.hidden = !conv;
  if (!conv) {
    closePanel();
    return;
  }
  const level = levelOf(conv);
  view.control.dataset.level = level;
  view.text.textContent = names[level];
  view.toggle.querySelector('svg')?.remove();
  view.toggle.prepend(icon(icons[level]));
  for (const choice of view.choices) choice.checked = choice.value === level;
  view.note.textContent = note(conv);
}

function openPanel() {
  view.panel.hidden = false;
  view.toggle.setAttribute('aria-expanded', 'true');
  (view.choices.find((c) => c.checked) ?? view.choices[0]).focus();
}

function closePanel({ focus = false } = {}) {
  if (view.panel.hidden) return;
  view.panel.hidden = true;
  view.toggle.setAttribute('aria-expanded', 'false');
  if (focus) view.toggle.focus();
}

async function choose(level) {
  const conv = state.current;
  if (!conv || levelOf(conv) === level) return;
  try {
    const { body } = await api.setNotifications(conv.name, level);
    state.setLevel(body.with, body.level);
  } catch (err) {
    state.emit('failed', err);
    render();
  }
}

view.toggle.addEventListener('click', () => (view.panel.hidden ? openPanel() : closePanel()));
for (const choice of view.choices) {
  choice.addEventListener('change', () => void choose(choice.value));
  // A pointer's click on a choice is the whole answer; the arrow keys only move between them (detail 0).
  choice.addEventListener('click', (event) => {
    if (event.detail > 0) closePanel({ focus: true });
  });
}
// Enter, as in any form, is done.
view.panel.addEventListener('submit', (event) => {
  event.preventDefault();
  closePanel({ focus: true });
});
view.control.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape' || view.panel.hidden) return;
  event.preventDefault();
  event.stopPropagation();
  closePanel({ focus: true });
});
document.addEventListener('click', (event) => {
  if (!view.control.contains(event.target)) closePanel();
});
view.control.addEventListener('focusout', (event) => {
  if (event.relatedTarget && !view.control.contains(event.relatedTarget)) closePanel();
});

for (const change of ['signed-in', 'open', 'quiet']) state.on(change, render);
state.on('level', (name) => {
  if (name === state.open) render();
});
