import { canonicalName } from '../names.js';

/** Who a group message calls: members named with `@name`, and whether it called `@everyone`. */
export interface Mentions {
  /** Members named, canonical, each once, in the order they first appear. */
  readonly users: readonly string[];
  readonly everyone: boolean;
}

// `@` at the start or after a character that cannot end a name (so that an e-mail address is no mention), then a
// name as names are written (a letter, then letters, digits, _ or -), not followed by another name character.
const mention = /(?<![A-Za-z0-9_-])@([A-Za-z][A-Za-z0-9_-]{0,31})(?![A-Za-z0-9_-])/g;

/**
 * The mentions of a group message: `@name` of a member of the group (a name that is not a member's, the
 * sender's own, or no user's calls nobody: a mention never adds or tells anyone outside), and `@everyone`.
 */
export function mentionsIn(text: string, members: readonly string[], sender: string): Mentions {
  const users: string[] = [];
  let everyone = false;
  for (const [, raw] of text.matchAll(mention)) {
    const name = canonicalName(raw!);
    if (name === 'everyone') everyone = true;
    else if (name !== undefined && name !== sender && members.includes(name) && !users.includes(name)) {
      users.push(name);
    }
  }
  return { users, everyone };
}
