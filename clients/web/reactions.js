// Reactions as the page holds them: a message's `reactions: [{emoji, count, me}]` from history, kept current by
// the stream's `reaction` events (`{of, emoji, user, on}`), which come to every device, the one that reacted too.
// The live msgform carries none: a message that arrived while the page was open starts with none. No DOM and no
// network here.

/**
 * Applies a `reaction` event to `msg`. An event of the reader's own that the counts already hold (history read
 * after the change, before its event came) changes nothing; another user's cannot be told apart that way, since
 * history gives counts and not names: reaction-recount.js reads such counts again.
 * @param {{reactions?: {emoji: string, count: number, me: boolean}[]}} msg
 * @param {{emoji: string, user: string, on: boolean}} event
 * @param {string} me the reader
 * @returns {boolean} whether anything changed
 */
export function applyReaction(msg, { emoji, user, on }, me) {
  const mine = user === me;
  const reactions = msg.reactions ?? [];
  const at = reactions.findIndex((r) => r.emoji === emoji);
  const held = reactions[at];
  if (on) {
    if (mine && held?.me) return false;
    if (held) {
      held.count += 1;
      if (mine) held.me = true;
    } else {
      reactions.push({ emoji, count: 1, me: mine });
    }
  } else {
    if (!held || (mine && !held.me)) return false;
    held.count -= 1;
    if (mine) held.me = false;
    if (held.count <= 0) reactions.splice(at, 1);
  }
  msg.reactions = reactions;
  return true;
}

/** What a reaction's toggle says to a screen reader: the emoji, how many, and what pressing it does. */
export function reactionLabel({ emoji, count, me }) {
  return me ? `${emoji} ${count}, you reacted; press to take back` : `${emoji} ${count}; press to react with it too`;
}
