// Edits, deletions and reactions: the sender's Edit and Delete controls on their own messages, the "edited" mark,
// the tombstone of a deleted message, and the `edited`, `deleted` and `reaction` events of the stream applied to
// what the page holds. Everything from the server goes into the page as text.

import { el } from './dom.js';
import { linkParts } from './links.js';
import { mentionParts } from './mentions.js';
import { applyReaction } from './reactions.js';
import { blankQuotes } from './replies.js';

/**
 * Applies an `edited`, `deleted` or `reaction` event to the message the page holds, if it holds it. A deletion
 * also blanks the quote of every reply to the message, which the server did in its store in the same step.
 * @param {import('./conversations.js').Conversations} convs
 * @param {{type: string, data: {of: string, text?: string, editedAt?: string, emoji?: string, user?: string,
 *   on?: boolean}}} change
 * @returns {object[]} the messages held that changed, as they are now
 */
export function applyMessageChange(convs, change) {
  const id = change.data.of;
  const changed = [];
  const { conv, msg } = convs.holding(id) ?? {};
  if (change.type === 'reaction') {
    if (msg && applyReaction(msg, change.data, convs.me)) changed.push(msg);
  } else if (msg) {
    for (const held of new Set([msg, conv.last?.id === id ? conv.last : msg])) {
      if (change.type === 'edited' && !held.deleted) {
        held.text = change.data.text;
        held.editedAt = change.data.editedAt;
      } else if (change.type === 'deleted') {
        // What history shows of it from now on: a tombstone, with no quote and no reactions.
        delete held.text;
        delete held.editedAt;
        delete held.replyTo;
        delete held.reactions;
        held.deleted = true;
      }
    }
    changed.push(msg);
  }
  // The original may be older than anything held while replies to it are not.
  if (change.type === 'deleted')
    for (const each of convs.byName.values()) changed.push(...blankQuotes(each.messages.values(), id));
  return changed;
}

/**
 * The text of a message as the log shows it: each http(s) address a link that opens in a new tab (links.js), each
 * `@name` it calls (the server's `mentions`) a chip, the reader's own marked too, and everything else text. A
 * tombstone says it was deleted.
 */
export function messageText(msg, me) {
  if (msg.deleted) return el('p', 'text tombstone', 'This message was deleted.');
  const text = el('p', 'text');
  for (const piece of linkParts(msg.text)) {
    if (piece.href !== undefined) {
      text.append(link(piece));
      continue;
    }
    for (const part of mentionParts(piece.text, msg.mentions)) {
      if (part.name === undefined) {
        text.append(part.text);
        continue;
      }
      const chip = el('span', part.name === me || part.name === 'everyone' ? 'mention reader' : 'mention', part.text);
      chip.dataset.mention = part.name;
      text.append(chip);
    }
  }
  return text;
}

function link({ text, href }) {
  const a = el('a', 'link', text);
  a.href = href;
  // In a tab of its own, which can neither reach back into this page nor learn where it was opened from.
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

/** The "edited" mark, with when, for the foot of a message. */
export function editedMark(msg) {
  if (msg.deleted || !msg.editedAt) return undefined;
  const mark = el('span', 'edited', 'edited');
  const when = new Date(msg.editedAt);
  if (!Number.isNaN(when.getTime())) mark.title = `Edited ${when.toLocaleString()}`;
  return mark;
}

/**
 * Edit and Delete buttons for one of the user's own messages. Edit opens a small form in place of the text
 * (Enter saves, Escape cancels); Delete asks once more, in place, before it goes.
 * @param {HTMLElement} li the message's entry in the log
 * @param {object} msg
 * @param {{ edit(id: string, text: string): Promise<boolean>, remove(id: string): Promise<boolean> }} act
 */
export function ownActions(li, msg, act) {
  if (msg.deleted) return [];
  const edit = el('button', 'msg-action edit', 'Edit');
  edit.type = 'button';
  edit.append(el('span', 'visually-hidden', ' this message'));
  const remove = el('button', 'msg-action delete', 'Delete');
  remove.type = 'button';
  remove.append(el('span', 'visually-hidden', ' this message'));
  edit.addEventListener('click', () => openEditor(li, msg, act, edit));
  remove.addEventListener('click', () => confirmDelete(li, msg, act, remove));
  return [edit, remove];
}

function openEditor(li, msg, act, opener) {
  if (li.querySelector('form.msg-edit')) return;
  const text = li.querySelector('p.text');
  const form = el('form', 'msg-edit');
  const label = el('label', 'visually-hidden', 'Edit your message');
  const input = el('input');
  input.value = msg.text ?? '';
  input.id = `edit-${msg.id}`;
  label.htmlFor = input.id;
  const save = el('button', 'primary small', 'Save');
  save.type = 'submit';
  const cancel = el('button', 'ghost small', 'Cancel');
  cancel.type = 'button';
  form.append(label, input, save, cancel);
  const close = () => {
    form.remove();
    if (text) text.hidden = false;
    opener.focus();
  };
  cancel.addEventListener('click', close);
  form.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    close();
  });
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const value = input.value;
    if (value.trim() === '' || value === msg.text) return close();
    save.disabled = true;
    if (await act.edit(msg.id, value)) form.remove();
    else save.disabled = false;
  });
  if (text) text.hidden = true;
  li.insertBefore(form, text?.nextSibling ?? null);
  input.focus();
  input.select();
}

function confirmDelete(li, msg, act, opener) {
  if (li.querySelector('.msg-confirm')) return;
  const box = el('div', 'msg-confirm');
  box.setAttribute('role', 'group');
  box.setAttribute('aria-label', 'Delete this message?');
  const question = el('span', 'question', 'Delete this message for everyone?');
  const yes = el('button', 'danger small', 'Delete');
  yes.type = 'button';
  const no = el('button', 'ghost small', 'Keep');
  no.type = 'button';
  box.append(question, yes, no);
  no.addEventListener('click', () => {
    box.remove();
    opener.focus();
  });
  box.addEventListener('keydown', (e) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    box.remove();
    opener.focus();
  });
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    if (!(await act.remove(msg.id))) yes.disabled = false;
  });
  li.append(box);
  no.focus();
}
