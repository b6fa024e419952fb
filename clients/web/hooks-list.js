// The user's incoming hooks in the Integrations panel (#hooks): each with its name, the conversation it posts
// to, when it was made and last used, the refusals in a row and the last error, and a Delete button.

import { el } from './dom.js';
import { shortWhen } from './times.js';

/** The conversation a hook posts to, as the page names it. */
export const targetName = (to) => (to === 'broad' ? 'Everyone' : to);

/** A hook's label: its name, else where it posts. */
export const hookLabel = (hook) => hook.name ?? `Hook to ${targetName(hook.to)}`;

/** @param {(hook: object, label: string) => void} onDelete */
function hookItem(hook, onDelete) {
  const li = el('li', 'integration');
  li.dataset.id = hook.id;
  const text = el('div', 'integration-text');
  const head = el('span', 'integration-name', hookLabel(hook));
  const used = hook.lastUsedAt ? `last used ${shortWhen(hook.lastUsedAt)}` : 'never used';
  text.append(
    head,
    el('span', 'integration-detail', `To ${targetName(hook.to)} · made ${shortWhen(hook.createdAt)} · ${used}`),
  );
  if (hook.failures > 0 || hook.lastError) {
    const refused = hook.failures === 1 ? '1 post refused' : `${hook.failures} posts refused in a row`;
    const last = hook.lastError ? `last error: ${hook.lastError}` : '';
    const at = hook.lastErrorAt ? ` (${shortWhen(hook.lastErrorAt)})` : '';
    text.append(
      el('span', 'integration-problem', [hook.failures > 0 ? refused : '', last + at].filter(Boolean).join(' · ')),
    );
  }
  const remove = el('button', 'ghost small', 'Delete');
  remove.type = 'button';
  // The visible label is the same on every row; the accessible name says which hook.
  remove.setAttribute('aria-label', `Delete ${hookLabel(hook)}, to ${targetName(hook.to)}`);
  remove.addEventListener('click', () => onDelete(hook, hookLabel(hook)));
  li.append(text, remove);
  return li;
}

/** Shows `hooks` in `list`, or `empty` when there are none. */
export function renderHooks(list, empty, hooks, onDelete) {
  list.replaceChildren(...hooks.map((hook) => hookItem(hook, onDelete)));
  empty.hidden = hooks.length > 0;
}
