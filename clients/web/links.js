// Web addresses in a message's text: where they stand, and which become links. Only http and https are ever a
// link; `javascript:`, `data:` and every other scheme stay text. No DOM here.

// From the scheme to the first space or character an address cannot hold unescaped.
const addressPattern = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the address; a closing bracket counts only when unmatched.
const trailing = /[.,;:!?*_~]+$/;

function trim(candidate) {
  let address = candidate.replace(trailing, '');
  for (const [open, close] of ['()', '[]', '{}']) {
    while (address.endsWith(close) && address.split(open).length < address.split(close).length) {
      address = address.slice(0, -1).replace(trailing, '');
    }
  }
  return address;
}

/** The URL a link may point to, or undefined: only absolute http(s) addresses that parse. */
export function safeHref(address) {
  try {
    const url = new URL(address);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The text cut where it names a web address: plain parts `{text}` and links `{text, href}`, in order. */
export function linkParts(text) {
  const parts = [];
  let at = 0;
  for (const match of text.matchAll(addressPattern)) {
    const address = trim(match[0]);
    const href = safeHref(address);
    if (href === undefined || match.index < at) continue;
    if (match.index > at) parts.push({ text: text.slice(at, match.index) });
    parts.push({ text: address, href });
    at = match.index + address.length;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at) });
  return parts;
}
