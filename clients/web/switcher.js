// The quick switcher (#switcher): Ctrl+K (⌘K on a Mac), or the Go to… button, opens a small dialog that finds a
// conversation, a person or a group by name. It follows WAI-ARIA's combobox with a listbox popup: focus stays in
// the box while Up and Down move the pick (aria-activedescendant), Enter opens the pick, Escape closes the
// dialog and focus goes back where it was.

import { avatar } from './avatar.js';
import { titleOf } from './conversations.js';
import { $, el } from './dom.js';
import { state } from './state.js';

/** Entries listed at most: the box is for finding, not browsing. */
const listedAtMost = 12;

const view = {
  dialog: $('switcher'),
  input: $('switcher-input'),
  list: $('switcher-list'),
  open: $('open-switcher'),
};

/** @type {{name: string, kind: string, title: string}[]} */
let found = [];
let picked = 0;
/** Where focus was before the dialog opened. */
let returnTo;

/** Conversations most recent first, then the people and groups not written with yet, by name. */
function candidates() {
  const seen = new Set();
  const all = [];
  for (const conv of state.convs.sorted()) {
    seen.add(conv.name);
    all.push({ name: conv.name, kind: conv.kind, title: titleOf(conv) });
  }
  const rest = [...state.groups.keys(), ...state.users.keys()].filter((n) => !seen.has(n) && n !== state.me).sort();
  for (const name of rest) all.push({ name, kind: state.kindOf(name), title: name });
  return all;
}

/** Those whose name starts with what is typed first, then those that contain it; each in the order above. */
function find(typed) {
  const wanted = typed.trim().toLowerCase();
  const all = candidates();
  if (wanted === '') return all.slice(0, listedAtMost);
  const key = (c) => [c.title.toLowerCase(), c.name.toLowerCase()];
  const starts = all.filter((c) => key(c).some((k) => k.startsWith(wanted)));
  const contains = all.filter((c) => !starts.includes(c) && key(c).some((k) => k.includes(wanted)));
  return [...starts, ...contains].slice(0, listedAtMost);
}

const kindWords = { direct: 'person', group: 'group', broadcast: 'everyone' };

function render() {
  found = find(view.input.value);
  picked = Math.min(picked, Math.max(found.length - 1, 0));
  view.list.replaceChildren(
    ...found.map((entry, i) => {
      const li = el('li', 'switcher-option');
      li.id = `switcher-option-${i}`;
      li.setAttribute('role', 'option');
      li.setAttribute('aria-selected', String(i === picked));
      li.dataset.with = entry.name;
      const conv = state.convs.get(entry.name) ?? { name: entry.name, kind: entry.kind };
      li.append(
        avatar(conv),
        el('span', 'switcher-name', entry.title),
        el('span', 'switcher-kind', kindWords[entry.kind]),
      );
      // The box keeps focus: a press on an entry must not take it.
      li.addEventListener('mousedown', (event) => event.preventDefault());
      li.addEventListener('click', () => void go(entry.name));
      return li;
    }),
  );
  if (found.length === 0) {
    const none = el('li', 'switcher-none', 'Nothing by that name.');
    none.setAttribute('role', 'option');
    none.setAttribute('aria-disabled', 'true');
    none.setAttribute('aria-selected', 'false');
    view.list.append(none);
  }
  if (found.length > 0) view.input.setAttribute('aria-activedescendant', `switcher-option-${picked}`);
  else view.input.removeAttribute('aria-activedescendant');
  view.list.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
}

function show() {
  if (!state.me || view.dialog.open) return;
  returnTo = document.activeElement;
  view.input.value = '';
  picked = 0;
  render();
  view.dialog.showModal();
  view.input.focus();
}

async function go(name) {
  returnTo = undefined;
  view.dialog.close();
  state.setMode('message');
  await state.request('open-conversation', name);
}

view.input.addEventListener('input', () => {
  picked = 0;
  render();
});

view.input.addEventListener('keydown', (event) => {
  if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
    event.preventDefault();
    if (found.length === 0) return;
    picked = (picked + (event.key === 'ArrowDown' ? 1 : found.length - 1)) % found.length;
    render();
  } else if (event.key === 'Enter') {
    event.preventDefault();
    if (found[picked]) void go(found[picked].name);
  }
});

view.dialog.addEventListener('close', () => {
  if (returnTo instanceof window.HTMLElement && returnTo.isConnected) returnTo.focus();
  returnTo = undefined;
});

// A click on the backdrop (the dialog itself, outside its content) closes it, as Escape does.
view.dialog.addEventListener('click', (event) => {
  if (event.target === view.dialog) view.dialog.close();
});

view.open.addEventListener('click', show);

document.addEventListener('keydown', (event) => {
  if (event.key.toLowerCase() !== 'k' || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
  if (!state.me) return;
  event.preventDefault();
  if (view.dialog.open) view.dialog.close();
  else show();
});

state.on('signed-out', () => {
  if (view.dialog.open) view.dialog.close();
});
