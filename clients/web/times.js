// When a message was sent, as the log and the list show it: short on the page, in full in its title.

import { el } from './dom.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const dateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'medium' });
const sameDay = (a, b) => a.toDateString() === b.toDateString();

export function timeElement(sentAt, className, format) {
  const when = new Date(sentAt);
  const time = el('time', className);
  if (Number.isNaN(when.getTime())) return time;
  time.textContent = format(when);
  time.dateTime = when.toISOString();
  time.title = fullFormat.format(when);
  return time;
}

/** In a message: the time today, the day and time before. */
export function logTime(date) {
  return (sameDay(date, new Date()) ? timeFormat : dayFormat).format(date);
}

/** In the list: the time today, the weekday this week, the date before. */
export function listTime(date) {
  const now = new Date();
  if (sameDay(date, now)) return timeFormat.format(date);
  return (now.getTime() - date.getTime() < 6 * 24 * 3600 * 1000 ? weekdayFormat : dateFormat).format(date);
}

const whenFormat = new Intl.DateTimeFormat(undefined, {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/** A date and time in a few words (6 Dec, 10:05), for lists of things made and used. */
export function shortWhen(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? '' : whenFormat.format(date);
}

const weekdayDateFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const yearDateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

/** The day a message was sent, as the log heads it: Today, Yesterday, Monday 1 December, or with the year. */
export function dayLabel(date, now = new Date()) {
  if (sameDay(date, now)) return 'Today';
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (sameDay(date, yesterday)) return 'Yesterday';
  return (date.getFullYear() === now.getFullYear() ? weekdayDateFormat : yearDateFormat).format(date);
}
