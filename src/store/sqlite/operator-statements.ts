import type { Database, Statement } from 'better-sqlite3';

/** The statements of the operator commands (sessions of a user, password reset, deleting a user), prepared once. */
export function prepareOperatorStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    sessionsOf: st('SELECT token_hash, username, created_at, expires_at, last_used_at, user_agent FROM sessions WHERE username = ? ORDER BY created_at, token_hash'),
    deleteSessionsOf: st('DELETE FROM sessions WHERE username = ?'),
    setPasswordHash: st('UPDATE users SET password_hash = ? WHERE name = ?'),
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
    groupsWith: st('SELECT g.name, g.members FROM chat_groups g WHERE EXISTS (SELECT 1 FROM json_each(g.members) WHERE value = ?)'),
    setMembers: st('UPDATE chat_groups SET members = ? WHERE name = ?'),
    deleteGroup: st('DELETE FROM chat_groups WHERE name = ?'),
  };
}
