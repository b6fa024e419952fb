import { ChatError } from './errors.js';

/** At most this many characters in a user or group name. */
export const maxNameLength = 32;

/** The words of the original command language; no user or group may take them. */
export const reservedNames: ReadonlySet<string> = new Set([
  'broad',
  'get_users',
  'exit',
  'mk_grp',
  'add_grp',
  'rm_grp',
  'leave',
  // The words the command line gained since: a user of one of these names could not be written to from it.
  'block',
  'unblock',
  'suspend',
  'restore',
  'notify',
  'quiet',
  // @everyone calls every member of a group (see mentionsIn).
  'everyone',
]);

const namePattern = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Folds a user or group name to its canonical lower-case form, so `Alice` and `alice` are one account.
 * Returns undefined when the name breaks the rule (a letter, then letters, digits, `_` or `-`; 1 to 32 chars).
 */
export function canonicalName(raw: string): string | undefined {
  const name = raw.toLowerCase();
  return namePattern.test(name) ? name : undefined;
}

/** A canonical name that can be registered, or a ChatError naming `field`. */
export function claimableName(raw: string, field: string): string {
  const name = canonicalName(raw);
  if (name === undefined) {
    throw new ChatError(
      'invalid_request',
      `"${raw.slice(0, 40)}" is not a valid name: use 1 to ${maxNameLength} letters, digits, _ or -, ` +
        `starting with a letter`,
      field,
    );
  }
  if (reservedNames.has(name)) {
    throw new ChatError('invalid_request', `"${name}" is a reserved word of the command language`, field);
  }
  return name;
}
