import type { Database, Statement } from 'better-sqlite3';
import type { EventType, Message, MessageKind, ReplyQuote } from '../../core/msgform.js';
import type { QueueRow, StoredGroup, StoredSession, StoredUser } from '../../core/ports/index.js';

/** A row of `messages`: a message, or an event (kind 'event', its type in `event`, its data in `text`). */
export interface MessageRow {
  id: number;
  sender: string;
  kind: MessageKind | 'event';
  group_name: string | null;
  text: string;
  sent_at: number;
  event: EventType | null;
  edited_at: number | null;
  deleted: number;
  bot: number;
  display_name: string | null;
  /** A JSON list; NULL for none. */
  mentions: string | null;
  /** The quote of a reply (see ReplyQuote): NULL for a message that answers none; the text NULL once deleted. */
  reply_to: number | null;
  reply_from: string | null;
  reply_text: string | null;
}

export interface UserRow {
  name: string;
  password_hash: string;
  owner: string | null;
  admin: number;
  suspended: number;
  created_at: number;
}

/** A user; `owner` only for a bot, `admin` and `suspended` only when set. */
export function toUser(row: UserRow): StoredUser {
  return {
    name: row.name,
    passwordHash: row.password_hash,
    ...(row.owner === null ? {} : { owner: row.owner }),
    ...(row.admin ? { admin: true } : {}),
    ...(row.suspended ? { suspended: true } : {}),
    createdAt: row.created_at,
  };
}

export interface GroupRow {
  name: string;
  members: string;
  created_by: string;
  created_at: number;
  owner: string | null;
  positions: string;
}

export function toMessage(row: MessageRow): Message {
  const base: Message = {
    id: row.id,
    from: row.sender,
    kind: row.kind as MessageKind,
    text: row.text,
    sentAt: row.sent_at,
  };
  return {
    ...base,
    ...(row.bot ? { bot: true } : {}),
    ...(row.display_name === null ? {} : { displayName: row.display_name }),
    ...(row.mentions === null ? {} : { mentions: JSON.parse(row.mentions) as string[] }),
    ...(row.group_name === null ? {} : { group: row.group_name }),
    ...(row.edited_at === null ? {} : { editedAt: row.edited_at }),
    ...(row.deleted ? { deleted: true } : {}),
    ...(row.reply_to === null ? {} : { replyTo: quoteOf(row.reply_to, row.reply_from!, row.reply_text) }),
  };
}

function quoteOf(id: number, from: string, text: string | null): ReplyQuote {
  return text === null ? { id, from, text: '', deleted: true } : { id, from, text };
}

export interface SessionRow {
  token_hash: string;
  username: string;
  created_at: number;
  expires_at: number;
  last_used_at: number;
  user_agent: string | null;
}

export function sessionOfRow(row: SessionRow): StoredSession {
  const base = {
    tokenHash: row.token_hash,
    username: row.username,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
  };
  return row.user_agent === null ? base : { ...base, userAgent: row.user_agent };
}

export function toQueueRow(row: MessageRow, to: string): QueueRow {
  if (row.kind === 'event') return { id: row.id, type: row.event!, json: row.text, at: row.sent_at, to };
  return { ...toMessage(row), to };
}

export function toGroup(row: GroupRow): StoredGroup {
  const positions = JSON.parse(row.positions) as Pick<StoredGroup, 'joined' | 'left'>;
  return {
    name: row.name,
    members: JSON.parse(row.members) as string[],
    createdBy: row.created_by,
    createdAt: row.created_at,
    owner: row.owner ?? row.created_by,
    joined: positions.joined ?? {},
    left: positions.left ?? {},
  };
}

const userColumns = 'name, password_hash, owner, admin, suspended, created_at';

export const messageColumns =
  'id, sender, kind, group_name, text, sent_at, event, edited_at, deleted, bot, display_name, mentions, reply_to, ' +
  'reply_from, reply_text';

/** Every statement the store runs, prepared once. */
export function prepareStatements(db: Database) {
  const st = (sql: string): Statement => db.prepare(sql);
  return {
    lastId: st(`SELECT value FROM counters WHERE name = 'last_message_id'`),
    setLastId: st(`UPDATE counters SET value = max(value, ?) WHERE name = 'last_message_id'`),
    users: st(`SELECT ${userColumns} FROM users ORDER BY created_at, name`),
    user: st(`SELECT ${userColumns} FROM users WHERE name = ?`),
    userNames: st('SELECT name FROM users ORDER BY name').pluck(),
    deliveredId: st('SELECT delivered_id FROM cursors WHERE name = ?').pluck(),
    countPending: st(`
      SELECT count(*) FROM queue q JOIN messages m ON m.id = q.message_id
      WHERE q.recipient = ? AND q.message_id > ? AND m.kind <> 'event'`).pluck(),
    groups: st(
      'SELECT name, members, created_by, created_at, owner, positions FROM chat_groups ORDER BY created_at, name',
    ),
    group: st('SELECT name, members, created_by, created_at, owner, positions FROM chat_groups WHERE name = ?'),
    setGroup: st('UPDATE chat_groups SET members = ?, owner = ?, positions = ? WHERE name = ?'),
    insertEvent: st(
      `INSERT INTO messages (id, sender, kind, text, sent_at, event, of_message) VALUES (?, '', 'event', ?, ?, ?, ?)`,
    ),
    findMessage: st(`SELECT ${messageColumns}, conversation FROM messages WHERE id = ? AND kind <> 'event'`),
    editMessage: st(`UPDATE messages SET text = ?, edited_at = ? WHERE id = ? AND kind <> 'event' AND deleted = 0`),
    deleteMessage: st(
      `UPDATE messages SET text = '', edited_at = NULL, deleted = 1, reply_to = NULL, reply_from = NULL, ` +
        `reply_text = NULL WHERE id = ? AND kind <> 'event' AND deleted = 0`,
    ),
    blankQuotes: st('UPDATE messages SET reply_text = NULL WHERE reply_to = ? AND reply_text IS NOT NULL'),
    deleteReactions: st('DELETE FROM reactions WHERE message_id = ?'),
    blankEdits: st(
      `UPDATE messages SET event = 'deleted', text = ?, of_message = NULL WHERE of_message = ? AND event = 'edited'`,
    ),
    cursorNames: st('SELECT name FROM cursors'),
    cursors: st(`
      SELECT c.name, c.delivered_id AS deliveredId, c.pruned_id AS prunedId,
        (SELECT count(*) FROM queue q JOIN messages m ON m.id = q.message_id
          WHERE q.recipient = c.name AND q.message_id > c.delivered_id AND m.kind <> 'event') AS pending
      FROM cursors c`),
    nameTaken: st('SELECT 1 FROM users WHERE name = ? UNION ALL SELECT 1 FROM chat_groups WHERE name = ?'),
    insertUser: st(
      'INSERT INTO users (name, password_hash, owner, admin, suspended, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    insertGroup: st('INSERT INTO chat_groups (name, members, created_by, created_at, owner) VALUES (?, ?, ?, ?, ?)'),
    insertSession: st(
      'INSERT OR REPLACE INTO sessions (token_hash, username, created_at, expires_at, last_used_at, ' +
        'user_agent) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    findSession: st(
      'SELECT username, created_at, expires_at, last_used_at, user_agent FROM sessions WHERE token_hash = ?',
    ),
    sessionExpiry: st('SELECT expires_at FROM sessions WHERE token_hash = ?').pluck(),
    touchSession: st('UPDATE sessions SET expires_at = ?, last_used_at = ? WHERE token_hash = ?'),
    deleteSession: st('DELETE FROM sessions WHERE token_hash = ?'),
    forgetExpiredKeys: st(
      'DELETE FROM idempotency_keys WHERE (sender, key) IN (SELECT sender, key FROM idempotency_keys WHERE ' +
        'expires_at <= ? ORDER BY expires_at LIMIT 10)',
    ),
    findKey: st('SELECT message_id, sent_at FROM idempotency_keys WHERE sender = ? AND key = ? AND expires_at > ?'),
    insertKey: st(
      'INSERT OR REPLACE INTO idempotency_keys (sender, key, message_id, expires_at, sent_at) VALUES (?, ?, ?, ?, ?)',
    ),
    insertMessage: st(
      'INSERT INTO messages (id, sender, kind, group_name, text, sent_at, conversation, bot, display_name, ' +
        'mentions, reply_to, reply_from, reply_text) VALUES (@id, @sender, @kind, @group, @text, @sentAt, ' +
        '@conversation, @bot, @displayName, @mentions, @replyTo, @replyFrom, @replyText)',
    ),
    notePeers: st(
      `INSERT OR IGNORE INTO conversations (reader, with_name, kind) VALUES (?, ?, 'direct'), (?, ?, 'direct')`,
    ),
    readConversation: st(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation = @key AND id < @before AND id > @after ORDER BY id DESC LIMIT @limit`),
    readBroadcasts: st(`
      SELECT ${messageColumns} FROM messages
      WHERE conversation = 'b' AND id < @before AND (id > @joined OR sender = @reader) ORDER BY id DESC LIMIT @limit`),
    directPeers: st(`SELECT with_name FROM conversations WHERE reader = ? AND kind = 'direct' ORDER BY with_name`),
    readMark: st('SELECT read_id FROM conversations WHERE reader = ? AND with_name = ?'),
    countUnread: st(
      'SELECT count(*) AS n FROM messages WHERE conversation = @key AND id > @floor AND id <= @through AND ' +
        'sender <> @reader AND deleted = 0',
    ),
    markRead: st(`
      INSERT INTO conversations (reader, with_name, kind, read_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (reader, with_name) DO UPDATE SET read_id = max(read_id, excluded.read_id)`),
    insertQueueRow: st('INSERT INTO queue (recipient, message_id) VALUES (?, ?)'),
    ensureCursor: st('INSERT OR IGNORE INTO cursors (name) VALUES (?)'),
    joinCursor: st(`
      INSERT INTO cursors (name, joined_id) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET joined_id = excluded.joined_id`),
    blocks: st('SELECT blocker, blocked FROM blocks ORDER BY blocker, blocked'),
    insertBlock: st('INSERT OR IGNORE INTO blocks (blocker, blocked) VALUES (?, ?)'),
    deleteBlock: st('DELETE FROM blocks WHERE blocker = ? AND blocked = ?'),
    insertBroadcast: st('INSERT INTO broadcasts (message_id, sender) VALUES (?, ?)'),
    readerCursor: st('SELECT joined_id, pruned_id FROM cursors WHERE name = ?'),
    knowsPosition: st(`
      SELECT (@id <= c.pruned_id
        OR EXISTS (SELECT 1 FROM queue WHERE recipient = @recipient AND message_id = @id)
        OR (@id > c.joined_id AND EXISTS (SELECT 1 FROM broadcasts WHERE message_id = @id))
        OR EXISTS (SELECT 1 FROM messages WHERE id = @id AND sender = @recipient)) AS known
      FROM cursors c WHERE c.name = @recipient`),
    // The user's queue merged by id with the broadcast log; both sides are range scans of a primary key.
    readQueue: st(`
      SELECT m.id, m.sender, m.kind, m.group_name, m.text, m.sent_at, m.event, m.edited_at, m.deleted, m.bot,
        m.display_name, m.mentions, m.reply_to, m.reply_from, m.reply_text
      FROM (
        SELECT message_id AS id FROM queue WHERE recipient = @recipient AND message_id > @after AND message_id <= @durable
        UNION ALL
        SELECT message_id AS id FROM broadcasts
        WHERE message_id > max(@after, @joined) AND message_id <= @durable AND sender <> @recipient
        ORDER BY id LIMIT @limit
      ) AS ids JOIN messages m ON m.id = ids.id
      ORDER BY m.id`),
    markDelivered: st(`
      INSERT INTO cursors (name, delivered_id) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET delivered_id = max(delivered_id, excluded.delivered_id)`),
    pruneCandidates: st('SELECT name, delivered_id FROM cursors WHERE delivered_id > pruned_id ORDER BY name'),
    oldestDelivered: st(`
      SELECT q.message_id AS id, m.sent_at
      FROM queue q JOIN messages m ON m.id = q.message_id
      WHERE q.recipient = ? AND q.message_id <= ?
      ORDER BY q.message_id LIMIT ?`),
    deleteQueueRows: st('DELETE FROM queue WHERE recipient = ? AND message_id <= ?'),
    setPruned: st('UPDATE cursors SET pruned_id = max(pruned_id, ?) WHERE name = ?'),
    deleteUnreferencedMessage: st(
      'DELETE FROM messages WHERE id = ? AND NOT EXISTS (SELECT 1 FROM queue WHERE message_id = ?)',
    ),
    lowestFloors: st(`
      SELECT c.name, max(c.delivered_id, c.joined_id) AS floor
      FROM cursors c JOIN users u ON u.name = c.name
      ORDER BY floor LIMIT 2`),
    oldestBroadcasts: st(`
      SELECT b.message_id AS id, b.sender, m.sent_at
      FROM broadcasts b JOIN messages m ON m.id = b.message_id
      ORDER BY b.message_id LIMIT ?`),
    deleteBroadcastMessages: st(
      'DELETE FROM messages WHERE id IN (SELECT message_id FROM broadcasts WHERE message_id <= ?)',
    ),
    deleteBroadcasts: st('DELETE FROM broadcasts WHERE message_id <= ?'),
    raisePrunedOfReaders: st('UPDATE cursors SET pruned_id = max(pruned_id, ?) WHERE joined_id < ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
