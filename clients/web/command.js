// Reads a line of the original command language the way the server does, only so that the page can show what
// it sent: the server parses and validates the line itself and is the one that decides.
//
//   get_users | exit | broad: <text> | mk_grp:<group>:<user>[:<user>...] | <name>: <text>

/** What the composer and the header show in command mode: the language at a glance. */
export const commandPlaceholder = 'bob: hi · broad: hi · mk_grp:team:bob:carol · get_users · exit';

/** @returns {{kind:'get_users'}|{kind:'exit'}|{kind:'create_group'}|{kind:'broadcast',text:string}|{kind:'send',to:string,text:string}|{kind:'unknown'}} */
export function readCommand(line) {
  const trimmed = line.trim();
  if (trimmed === 'get_users') return { kind: 'get_users' };
  if (trimmed === 'exit') return { kind: 'exit' };
  if (/^mk_grp\s*:/.test(trimmed)) return { kind: 'create_group' };
  // The other words of the server's command line (see src/core/chat/command-parser.ts): never a message.
  const word = /^(add_grp|rm_grp|leave|block|unblock|suspend|restore|notify|quiet)\s*:/.exec(trimmed)?.[1];
  if (word !== undefined) return { kind: word };
  const colon = line.indexOf(':');
  if (colon > 0) {
    const target = line.slice(0, colon).trim();
    const text = line.slice(colon + 1).replace(/^ /, '');
    if (target === 'broad') return { kind: 'broadcast', text };
    if (target !== '' && !/\s/.test(target)) return { kind: 'send', to: target.toLowerCase(), text };
  }
  return { kind: 'unknown' };
}
