// Who a message is from, as the page names it. A message with the bot mark was sent by a bot account or through
// an incoming hook; a hook may ask for a display name (Slack's `username`), shown first, with the account that
// really sent it beside it, so that nobody can pass for someone else.

import { el } from './dom.js';

/** The name to show for the sender: the display name a hook asked for, else the account. */
export const senderName = (msg) => msg.displayName ?? msg.from;

/** The small "bot" mark, beside a sender or a person. */
export const botBadge = () => el('span', 'bot-badge', 'bot');

/**
 * The sender as the log shows it: "alice"; "deploybot [bot]"; "Alertmanager [bot] via alice" (via you, for the
 * user's own hooks).
 */
export function senderLabel(msg, me) {
  const account = msg.from === me ? 'you' : msg.from;
  const from = el('span', 'from');
  if (!msg.bot) {
    from.textContent = account;
    return from;
  }
  from.classList.add('from-bot');
  from.append(el('span', 'from-name', senderName(msg)), ' ', botBadge());
  if (msg.displayName !== undefined) from.append(' ', el('span', 'via', `via ${account}`));
  return from;
}
