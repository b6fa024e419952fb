// A conversation's avatar, in the list and in the conversation's header: the first letter of a name on a colour
// of its own, a presence dot for a person, "All" for the broadcasts.

import { el } from './dom.js';
import { state } from './state.js';

/** One of the stylesheet's eight avatar colours, the same for a name on every device (FNV-1a). */
function hueOf(name) {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.codePointAt(0), 16777619) >>> 0;
  return String(h % 8);
}

/** Fills `node` (a new span unless given) as the avatar of `conv`. */
export function avatar(conv, node = el('span', 'avatar')) {
  node.className = `avatar ${conv.kind}`;
  node.setAttribute('aria-hidden', 'true');
  node.dataset.hue = hueOf(conv.name);
  node.textContent = conv.kind === 'broadcast' ? 'All' : conv.name.slice(0, 1).toUpperCase();
  if (conv.kind === 'direct') {
    node.dataset.online = String(Boolean(state.users.get(conv.name)));
    const dot = el('span', 'presence-dot');
    dot.setAttribute('aria-hidden', 'true');
    node.append(dot);
  } else {
    delete node.dataset.online;
  }
  return node;
}
