/** One step of the schema. Append only: a released migration is never edited, a change is a new step. */
export interface Migration {
  /** The `PRAGMA user_version` the database has once this step ran; 1, 2, 3... */
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/** Identifies a Parley database (`PRAGMA application_id`, "PRLY"), so that another SQLite file is refused. */
export const applicationId = 0x50524c59;

/** Every schema version, oldest first. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    description: 'accounts, sessions, groups, messages stored once and fanned out by queue rows, cursors',
    sql: `
      CREATE TABLE users (
        name TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE chat_groups (
        name TEXT PRIMARY KEY,
        members TEXT NOT NULL, -- JSON array, creator first
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        sender TEXT NOT NULL,
        kind TEXT NOT NULL,
        group_name TEXT,
        text TEXT NOT NULL,
        sent_at INTEGER NOT NULL
      );
      CREATE TABLE queue (
        recipient TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        PRIMARY KEY (recipient, message_id)
      ) WITHOUT ROWID;
      CREATE TABLE cursors (
        name TEXT PRIMARY KEY,
        delivered_id INTEGER NOT NULL DEFAULT 0,
        pruned_id INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
      -- The id counter lives apart from the messages so that it never goes back, even when all were pruned.
      CREATE TABLE counters (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      ) WITHOUT ROWID;
      INSERT INTO counters (name, value) VALUES ('last_message_id', 0);
      PRAGMA application_id = ${applicationId};
    `,
  },
  {
    version: 2,
    description: 'queue rows by message, so that pruning finds a message text no longer referenced without a scan',
    sql: `CREATE INDEX queue_by_message ON queue (message_id);`,
  },
  {
    version: 3,
    description: 'broadcasts written once to a shared log that every user reads from the position they registered at',
    sql: `
      CREATE TABLE broadcasts (
        message_id INTEGER PRIMARY KEY,
        sender TEXT NOT NULL
      );
      -- Broadcasts appended after joined_id reach the user; every user has a cursor from now on.
      ALTER TABLE cursors ADD COLUMN joined_id INTEGER NOT NULL DEFAULT 0;
      INSERT OR IGNORE INTO cursors (name) SELECT name FROM users;
    `,
  },
  {
    version: 4,
    description: 'messages filed by conversation for history; who talks with whom, and read marks',
    sql: `
      ALTER TABLE messages ADD COLUMN conversation TEXT;
      UPDATE messages SET conversation = 'b' WHERE kind = 'broadcast';
      UPDATE messages SET conversation = 'g:' || group_name WHERE kind = 'group';
      UPDATE messages SET conversation = (
        SELECT 'd:' || min(messages.sender, q.recipient) || ':' || max(messages.sender, q.recipient)
        FROM queue q WHERE q.message_id = messages.id LIMIT 1
      ) WHERE kind = 'direct';
      CREATE INDEX messages_by_conversation ON messages (conversation, id);
      -- One row per user and conversation they have: a direct peer, or a read mark.
      CREATE TABLE conversations (
        reader TEXT NOT NULL,
        with_name TEXT NOT NULL,
        kind TEXT NOT NULL,
        read_id INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (reader, with_name)
      ) WITHOUT ROWID;
      INSERT OR IGNORE INTO conversations (reader, with_name, kind)
        SELECT DISTINCT q.recipient, m.sender, 'direct' FROM queue q JOIN messages m ON m.id = q.message_id WHERE m.kind = 'direct';
      INSERT OR IGNORE INTO conversations (reader, with_name, kind)
        SELECT DISTINCT m.sender, q.recipient, 'direct' FROM queue q JOIN messages m ON m.id = q.message_id WHERE m.kind = 'direct';
    `,
  },
  {
    version: 5,
    description:
      'what a user sees of their own sessions: when each was last used and the browser or tool it signed in with',
    sql: `
      ALTER TABLE sessions ADD COLUMN last_used_at INTEGER;
      UPDATE sessions SET last_used_at = created_at;
      ALTER TABLE sessions ADD COLUMN user_agent TEXT;
    `,
  },
  {
    version: 6,
    description: 'Idempotency-Key: the message a key of a sender stored, kept for a day, written with the message',
    sql: `
      CREATE TABLE idempotency_keys (
        sender TEXT NOT NULL,
        key TEXT NOT NULL,
        message_id INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        sent_at INTEGER NOT NULL,
        PRIMARY KEY (sender, key)
      ) WITHOUT ROWID;
      CREATE INDEX idempotency_keys_by_expiry ON idempotency_keys (expires_at);
    `,
  },
  {
    version: 7,
    description:
      'events (group changes, edits, deletions, read marks) in the journal of messages; owned groups; edits ' +
      'and tombstones',
    sql: `
      -- An event is a row of messages with kind 'event': its type in event, its data (JSON) in text, when in
      -- sent_at, no conversation (so history and unread counts never see it), on queues like a message, pruned
      -- like one. An 'edited' event names its message in of_message, so that a deletion can blank it.
      ALTER TABLE messages ADD COLUMN event TEXT;
      ALTER TABLE messages ADD COLUMN of_message INTEGER;
      ALTER TABLE messages ADD COLUMN edited_at INTEGER;
      ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX messages_by_original ON messages (of_message) WHERE of_message IS NOT NULL;
      -- The owner (the creator until it changes) and, as JSON {joined: {name: id}, left: {name: id}}, when
      -- members joined after the creation and when former members left.
      ALTER TABLE chat_groups ADD COLUMN owner TEXT;
      ALTER TABLE chat_groups ADD COLUMN positions TEXT NOT NULL DEFAULT '{}';
    `,
  },
  {
    version: 8,
    description:
      "bots (a user with an owner), a message's bot mark and display name, incoming hooks, bots' outgoing webhooks",
    sql: `
      -- Set for a bot: the user who made it. A bot's password_hash is '', which no password matches.
      ALTER TABLE users ADD COLUMN owner TEXT;
      ALTER TABLE messages ADD COLUMN bot INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN display_name TEXT;
      -- A rowid table: hooks of one owner created in the same millisecond still list in the order made.
      CREATE TABLE hooks (
        id TEXT NOT NULL UNIQUE,
        owner TEXT NOT NULL,
        to_name TEXT NOT NULL,
        name TEXT,
        secret_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        last_used_at INTEGER,
        failures INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        last_error_at INTEGER
      );
      CREATE INDEX hooks_by_owner ON hooks (owner, created_at);
      -- One per bot; who posts its events (the lease) is kept in the process that owns the database.
      CREATE TABLE webhooks (
        bot TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        set_at INTEGER NOT NULL,
        acked_id INTEGER NOT NULL,
        last_success_at INTEGER,
        last_error TEXT,
        last_error_at INTEGER,
        failures INTEGER NOT NULL DEFAULT 0
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    description: "invites, the admins' audit list, blocks between users, a user's admin role and suspension",
    sql: `
      -- 1 for an admin, and for a suspended user.
      ALTER TABLE users ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN suspended INTEGER NOT NULL DEFAULT 0;
      -- A rowid table: invites made in the same millisecond still list in the order made.
      CREATE TABLE invites (
        code TEXT NOT NULL UNIQUE,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        uses INTEGER NOT NULL,
        used INTEGER NOT NULL DEFAULT 0,
        note TEXT
      );
      CREATE INDEX invites_by_creation ON invites (created_at);
      -- Appended, never changed; read newest first, by the rowid among entries of the same millisecond.
      CREATE TABLE audit (
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT
      );
      CREATE INDEX audit_by_time ON audit (at);
      CREATE TABLE blocks (
        blocker TEXT NOT NULL,
        blocked TEXT NOT NULL,
        PRIMARY KEY (blocker, blocked)
      ) WITHOUT ROWID;
      -- Deleting a user removes the blocks of others on them too.
      CREATE INDEX blocks_by_blocked ON blocks (blocked);
    `,
  },
  {
    version: 10,
    description:
      "a message's mentions, notification levels and quiet times, browsers' push subscriptions, the VAPID key pair",
    sql: `
      -- A JSON list of the names a message mentions; NULL for none.
      ALTER TABLE messages ADD COLUMN mentions TEXT;
      CREATE TABLE notify_levels (
        user TEXT NOT NULL,
        conversation TEXT NOT NULL,
        level TEXT NOT NULL,
        PRIMARY KEY (user, conversation)
      ) WITHOUT ROWID;
      -- A row only while a user has set one (0 removes it).
      CREATE TABLE quiet_times (
        user TEXT PRIMARY KEY,
        until INTEGER NOT NULL
      ) WITHOUT ROWID;
      -- A rowid table: subscriptions of one user made in the same millisecond still list in the order made. One
      -- per endpoint; who pushes to it (the lease) is kept in the process that owns the database.
      CREATE TABLE push_subscriptions (
        id TEXT NOT NULL UNIQUE,
        user TEXT NOT NULL,
        session_id TEXT NOT NULL,
        endpoint TEXT NOT NULL UNIQUE,
        p256dh TEXT NOT NULL,
        auth TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        acked_id INTEGER NOT NULL,
        last_success_at INTEGER,
        last_error TEXT,
        last_error_at INTEGER,
        failures INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX push_subscriptions_by_user ON push_subscriptions (user, created_at);
      -- Ending a session removes the subscriptions it made.
      CREATE INDEX push_subscriptions_by_session ON push_subscriptions (session_id);
      -- The server's own values, kept in the database so that a backup keeps them: the VAPID key pair (JSON).
      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 11,
    description: "a reply's quote of the message it answers, and emoji reactions on messages",
    sql: `
      -- The message a reply answers: its id, its sender, and the start of its text, NULL once it was deleted.
      ALTER TABLE messages ADD COLUMN reply_to INTEGER;
      ALTER TABLE messages ADD COLUMN reply_from TEXT;
      ALTER TABLE messages ADD COLUMN reply_text TEXT;
      -- The deletion of a message finds the replies whose quotes it blanks.
      CREATE INDEX messages_by_reply ON messages (reply_to) WHERE reply_to IS NOT NULL;
      -- One row per user and emoji on a message; id is the event that recorded it, and orders the emoji.
      CREATE TABLE reactions (
        message_id INTEGER NOT NULL,
        emoji TEXT NOT NULL,
        user TEXT NOT NULL,
        id INTEGER NOT NULL,
        PRIMARY KEY (message_id, emoji, user)
      ) WITHOUT ROWID;
      -- Whatever removes a message (retention, a deleted user's queue) removes its reactions in the same step.
      CREATE TRIGGER reactions_go_with_their_message AFTER DELETE ON messages BEGIN
        DELETE FROM reactions WHERE message_id = OLD.id;
      END;
    `,
  },
  {
    version: 12,
    description: "search: a trigram index of the messages' texts, kept in step by triggers, built for those stored",
    sql: `
      -- The texts stay in messages; the index holds their trigrams, case and Latin accents folded (as
      -- src/core/search/fold.ts, which decides what matches, folds no more than this). Events are never in it.
      -- An external-content index must be told the text it indexed to take a row out: these triggers are its
      -- only writers, and give it. ('rebuild' would index the events too: never run it.)
      -- Nothing ranks hits (they come newest first), so no column sizes are kept for it (columnsize = 0).
      CREATE VIRTUAL TABLE message_search USING fts5(
        text, content = 'messages', content_rowid = 'id', tokenize = 'trigram remove_diacritics 2', columnsize = 0
      );
      -- A deleted text is overwritten in the index's pages, not only marked deleted, as secure_delete does for the
      -- tables: it leaves the file at the next checkpoint.
      INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER message_search_insert AFTER INSERT ON messages
        WHEN new.kind <> 'event' AND new.deleted = 0 BEGIN
        INSERT INTO message_search (rowid, text) VALUES (new.id, new.text);
      END;
      -- An edit replaces the text; a deletion overwrites it with '' and sets deleted, which leaves nothing indexed.
      CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
        WHEN old.kind <> 'event' BEGIN
        INSERT INTO message_search (message_search, rowid, text) SELECT 'delete', old.id, old.text WHERE old.deleted = 0;
        INSERT INTO message_search (rowid, text) SELECT new.id, new.text WHERE new.deleted = 0;
      END;
      -- Retention and deleted accounts remove rows.
      CREATE TRIGGER message_search_delete AFTER DELETE ON messages
        WHEN old.kind <> 'event' AND old.deleted = 0 BEGIN
        INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.id, old.text);
      END;
      INSERT INTO message_search (rowid, text) SELECT id, text FROM messages WHERE kind <> 'event' AND deleted = 0;
    `,
  },
  {
    version: 13,
    description:
      'search: the index covers the messages up to a position and is brought up to it in batches, not per send',
    sql: `
      -- A trigger per inserted message cost a send about a tenth of its CPU (FTS5 writes a segment at each
      -- savepoint). The index now covers the messages up to search_indexed_id, and SearchIndex indexes those after
      -- it in batches (before a search, and every second once the database was searched). Every message up to the
      -- position that is neither an event nor deleted is in the index, and no other: an edit or a removal of a
      -- message the position covers changes its entry here; one above it is indexed as it then is when the
      -- position passes it.
      INSERT INTO counters (name, value) VALUES ('search_indexed_id', coalesce((SELECT max(id) FROM messages), 0));
      DROP TRIGGER message_search_insert;
      DROP TRIGGER message_search_update;
      DROP TRIGGER message_search_delete;
      CREATE TRIGGER message_search_update AFTER UPDATE OF text ON messages
        WHEN old.kind <> 'event' AND old.id <= (SELECT value FROM counters WHERE name = 'search_indexed_id') BEGIN
        INSERT INTO message_search (message_search, rowid, text) SELECT 'delete', old.id, old.text WHERE old.deleted = 0;
        INSERT INTO message_search (rowid, text) SELECT new.id, new.text WHERE new.deleted = 0;
      END;
      CREATE TRIGGER message_search_delete AFTER DELETE ON messages
        WHEN old.kind <> 'event' AND old.deleted = 0
          AND old.id <= (SELECT value FROM counters WHERE name = 'search_indexed_id') BEGIN
        INSERT INTO message_search (message_search, rowid, text) VALUES ('delete', old.id, old.text);
      END;
    `,
  },
];
