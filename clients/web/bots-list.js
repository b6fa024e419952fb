// The bots the user owns, in the Integrations panel (#bots): each with when it was made and where its outgoing
// webhook stands (its URL, the position acknowledged, the events waiting, the last success and the last error).

import { el } from './dom.js';
import { botBadge } from './sender.js';
import { shortWhen } from './times.js';

/** What a bot's webhook state says, a line each. */
function webhookLines(webhook) {
  if (!webhook) return ['No webhook: it reads its stream itself.'];
  const lines = [
    `Webhook ${webhook.url}`,
    `Acknowledged up to event ${webhook.position} · ${webhook.waiting} waiting${webhook.lastSuccessAt ? ` · last success ${shortWhen(webhook.lastSuccessAt)}` : ''}`,
  ];
  if (webhook.lastError) {
    const tries = webhook.failures > 0 ? ` (${webhook.failures} failed in a row)` : '';
    lines.push(
      `Last error${webhook.lastErrorAt ? ` ${shortWhen(webhook.lastErrorAt)}` : ''}: ${webhook.lastError}${tries}`,
    );
  }
  return lines;
}

function botItem(bot) {
  const li = el('li', 'integration');
  li.dataset.name = bot.name;
  const text = el('div', 'integration-text');
  const head = el('span', 'integration-name', bot.name);
  head.append(' ', botBadge());
  text.append(head, el('span', 'integration-detail', `Made ${shortWhen(bot.createdAt)}`));
  const [first, ...rest] = webhookLines(bot.webhook);
  text.append(el('span', 'integration-detail integration-url', first));
  for (const line of rest)
    text.append(el('span', line.startsWith('Last error') ? 'integration-problem' : 'integration-detail', line));
  li.append(text);
  return li;
}

/** Shows `bots` (each with its webhook state, as `GET /bots/{name}` answers) in `list`, or `empty`. */
export function renderBots(list, empty, bots) {
  list.replaceChildren(...bots.map(botItem));
  empty.hidden = bots.length > 0;
}
