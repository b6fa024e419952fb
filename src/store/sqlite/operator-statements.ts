import type { Database, Statement } from 'better-sqlite3';
import { directKey } from '../conversation-key.js';

/** The statements of the operator commands (sessions of a user, password reset, deleting a user), prepared once. */
export function prepareOperatorStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    sessionsOf: st(
      'SELECT token_hash, username, created_at, expires_at, last_used_at, user_agent FROM sessions WHERE ' +
        'username = ? ORDER BY created_at, token_hash',
    ),
    deleteSessionsOf: st('DELETE FROM sessions WHERE username = ?'),
    setPasswordHash: st('UPDATE users SET password_hash = ? WHERE name = ?'),
    setAdmin: st('UPDATE users SET admin = ? WHERE name = ?'),
    setSuspended: st('UPDATE users SET suspended = ? WHERE name = ?'),
    deleteUser: st('DELETE FROM users WHERE name = ?'),
    // Before the queue rows go: the texts that only this user still holds.
    deleteOwnMessages: st(`
      DELETE FROM messages WHERE id IN (SELECT message_id FROM queue WHERE recipient = @name)
        AND NOT EXISTS (SELECT 1 FROM queue q WHERE q.message_id = messages.id AND q.recipient <> @name)`),
    deleteQueue: st('DELETE FROM queue WHERE recipient = ?'),
    deleteCursor: st('DELETE FROM cursors WHERE name = ?'),
    deleteConversations: st('DELETE FROM conversations WHERE reader = ? OR with_name = ?'),
    directPeers: st(`SELECT with_name FROM conversations WHERE reader = ? AND kind = 'direct'`),
    // The messages stay on the queues that hold them; the conversation leaves history (see Store.deleteUser).
    unfileConversation: st('UPDATE messages SET conversation = NULL WHERE conversation = ?'),
    groupsWith: st(
      'SELECT g.name, g.members FROM chat_groups g WHERE EXISTS (SELECT 1 FROM json_each(g.members) WHERE value = ?)',
    ),
    setMembers: st('UPDATE chat_groups SET members = ? WHERE name = ?'),
    deleteGroup: st('DELETE FROM chat_groups WHERE name = ?'),
    deleteBlocksOf: st('DELETE FROM blocks WHERE blocker = ? OR blocked = ?'),
  };
}

export type OperatorStatements = ReturnType<typeof prepareOperatorStatements>;

/**
 * Deletes a user's rows inside the caller's transaction (see UserStore.deleteUser): the account, its sessions,
 * its queue and cursor, the texts only it still held, its conversations, its place in every group (a group
 * left with no member goes too), and every block it made or is the object of. Returns false, deleting nothing,
 * for an unknown user.
 */
export function deleteUserRows(s: OperatorStatements, name: string): boolean {
  if (s.deleteUser.run(name).changes === 0) return false;
  s.deleteSessionsOf.run(name);
  s.deleteOwnMessages.run({ name });
  s.deleteQueue.run(name);
  s.deleteCursor.run(name);
  for (const { with_name } of s.directPeers.all(name) as { with_name: string }[])
    s.unfileConversation.run(directKey(name, with_name));
  s.deleteConversations.run(name, name);
  s.deleteBlocksOf.run(name, name);
  for (const group of s.groupsWith.all(name) as { name: string; members: string }[]) {
    const members = (JSON.parse(group.members) as string[]).filter((m) => m !== name);
    if (members.length === 0) s.deleteGroup.run(group.name);
    else s.setMembers.run(JSON.stringify(members), group.name);
  }
  return true;
}
