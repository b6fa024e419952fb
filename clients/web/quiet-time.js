// Do not disturb (#quiet in the account panel, and #quiet-badge in the top bar while it lasts): for an hour, until
// eight in the morning, or off. The server keeps it for every device (PUT /account/quiet) and tells each of them
// (a `quiet` event); while it lasts nothing but direct messages notifies, pushed or on the desktop.

import { api } from './api.js';
import { $, el } from './dom.js';
import { icon } from './icons.js';
import { state } from './state.js';

const view = {
  badge: $('quiet-badge'),
  status: $('quiet-state'),
  hour: $('quiet-hour'),
  morning: $('quiet-morning'),
  off: $('quiet-off'),
};

const hourMs = 3600_000;
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: '2-digit', minute: '2-digit' });

/** The next eight o'clock after `now`, local time. */
function nextMorning(now) {
  const at = new Date(now);
  at.setHours(8, 0, 0, 0);
  if (at.getTime() <= now.getTime()) at.setDate(at.getDate() + 1);
  return at;
}

function until(ms) {
  const at = new Date(ms);
  return (at.toDateString() === new Date().toDateString() ? timeFormat : dayTimeFormat).format(at);
}

/** When the quiet time ends by itself, the page says so without being told. */
let endTimer;

function render() {
  clearTimeout(endTimer);
  const quiet = state.quiet;
  if (quiet)
    endTimer = setTimeout(() => state.emit('quiet'), Math.min(state.quietUntil - Date.now() + 50, 2 ** 31 - 1));
  view.badge.hidden = !quiet;
  view.badge.replaceChildren();
  if (quiet) view.badge.append(icon('moon'), el('span', undefined, `Quiet until ${until(state.quietUntil)}`));
  view.status.dataset.quiet = String(quiet);
  view.status.textContent = quiet
    ? `On until ${until(state.quietUntil)}: only direct messages notify you.`
    : 'Off: every conversation notifies you as set.';
  view.off.hidden = !quiet;
  const morning = nextMorning(new Date());
  view.morning.textContent =
    morning.toDateString() === new Date().toDateString() ? 'Until 8:00 this morning' : 'Until 8:00 tomorrow';
}

async function setQuiet(untilDate, button) {
  button.disabled = true;
  try {
    const { body } = await api.setQuiet(untilDate ? untilDate.toISOString() : null);
    state.setQuiet(body.until);
  } catch (err) {
    state.emit('failed', err);
  } finally {
    button.disabled = false;
  }
  // Turned off, its button goes: focus stays in the section.
  if (button.hidden) view.hour.focus();
}

view.hour.addEventListener('click', () => void setQuiet(new Date(Date.now() + hourMs), view.hour));
view.morning.addEventListener('click', () => void setQuiet(nextMorning(new Date()), view.morning));
view.off.addEventListener('click', () => void setQuiet(undefined, view.off));

state.on('quiet', render);
state.on('signed-in', render);
state.on('signed-out', () => {
  clearTimeout(endTimer);
  view.badge.hidden = true;
});
