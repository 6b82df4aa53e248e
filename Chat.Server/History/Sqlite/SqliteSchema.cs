namespace Chat.Server.History.Sqlite;

/// <summary>
/// The SQLite schema as numbered steps, applied in order from the file's <c>PRAGMA user_version</c> (a file of the first
/// release says 0: it set no version) in one transaction at start.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>The step that made the users table; the store fills it after running the step.</summary>
    public const int UsersStep = 6;

    public static readonly string[] Migrations =
    [
        // 1: the first release: messages of general.
        """
        CREATE TABLE IF NOT EXISTS messages (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            user    TEXT    NOT NULL,
            text    TEXT    NOT NULL,
            sent_at INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS probe (
            id   INTEGER PRIMARY KEY,
            data BLOB NOT NULL
        );
        """,

        // 2: conversations: rooms, direct conversations, memberships with read markers, client message ids.
        """
        ALTER TABLE messages ADD COLUMN room TEXT NOT NULL DEFAULT 'general';
        ALTER TABLE messages ADD COLUMN client_id TEXT;
        CREATE INDEX messages_room_id ON messages (room, id);
        CREATE UNIQUE INDEX messages_user_client_id ON messages (user, client_id) WHERE client_id IS NOT NULL;
        CREATE TABLE rooms (
            name       TEXT    PRIMARY KEY,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE memberships (
            user    TEXT    NOT NULL,
            room    TEXT    NOT NULL,
            read_id INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (user, room)
        ) WITHOUT ROWID;
        CREATE INDEX memberships_room ON memberships (room, user);
        """,

        // 3: client message ids kept apart from the messages (remembered after the message is gone); who created each
        // room and since when it is empty.
        """
        CREATE TABLE client_ids (
            user       TEXT    NOT NULL,
            client_id  TEXT    NOT NULL,
            room       TEXT    NOT NULL,
            message_id INTEGER NOT NULL,
            sent_at    INTEGER NOT NULL,
            PRIMARY KEY (user, client_id)
        ) WITHOUT ROWID;
        CREATE INDEX client_ids_sent_at ON client_ids (sent_at);
        INSERT INTO client_ids (user, client_id, room, message_id, sent_at)
            SELECT user, client_id, room, id, sent_at FROM messages WHERE client_id IS NOT NULL;
        DROP INDEX messages_user_client_id;
        ALTER TABLE messages DROP COLUMN client_id;
        ALTER TABLE rooms ADD COLUMN created_by TEXT;
        ALTER TABLE rooms ADD COLUMN empty_since INTEGER;
        CREATE INDEX rooms_created_by ON rooms (created_by, created_at);
        UPDATE rooms SET empty_since = strftime('%s', 'now') * 10000000 + 621355968000000000
            WHERE NOT EXISTS (SELECT 1 FROM memberships WHERE memberships.room = rooms.name);
        """,

        // 4: counters kept with each commit, so that reading a user's conversations costs per conversation, not per
        // message: each conversation's newest id, message count and sequence (a message's place in its conversation),
        // and for each membership where its marker is in that sequence and how many of the user's own messages follow it.
        """
        CREATE TABLE conversations (
            room     TEXT    PRIMARY KEY,
            last_id  INTEGER,
            last_seq INTEGER NOT NULL DEFAULT 0,
            count    INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID;
        ALTER TABLE messages ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE memberships ADD COLUMN read_seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE memberships ADD COLUMN own_unread INTEGER NOT NULL DEFAULT 0;
        UPDATE messages SET seq = ordinal.n
            FROM (SELECT id, row_number() OVER (PARTITION BY room ORDER BY id) AS n FROM messages) AS ordinal
            WHERE messages.id = ordinal.id;
        INSERT INTO conversations (room, last_id, last_seq, count) SELECT room, max(id), count(*), count(*) FROM messages GROUP BY room;
        UPDATE memberships SET
            read_seq = coalesce((SELECT seq FROM messages WHERE messages.room = memberships.room AND messages.id <= memberships.read_id ORDER BY id DESC LIMIT 1), 0),
            own_unread = (SELECT count(*) FROM messages WHERE messages.room = memberships.room AND messages.id > memberships.read_id AND messages.user = memberships.user);
        """,
        // 5: built-in accounts (SPEC section 13): accounts, invites, and sign-in sessions with their refresh tokens.
        """
        CREATE TABLE accounts (
            name          TEXT    PRIMARY KEY,
            password_hash TEXT    NOT NULL,
            admin         INTEGER NOT NULL DEFAULT 0,
            must_change   INTEGER NOT NULL DEFAULT 0,
            disabled_at   INTEGER,
            created_at    INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX accounts_disabled_at ON accounts (disabled_at) WHERE disabled_at IS NOT NULL;
        CREATE TABLE invites (
            code_hash  TEXT    PRIMARY KEY,
            uses_left  INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE sessions (
            id         TEXT    PRIMARY KEY,
            user       TEXT    NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX sessions_user ON sessions (user);
        CREATE INDEX sessions_revoked_at ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
        CREATE TABLE refresh_tokens (
            hash       TEXT    PRIMARY KEY,
            session    TEXT    NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at    INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX refresh_tokens_session ON refresh_tokens (session);
        CREATE INDEX refresh_tokens_expires_at ON refresh_tokens (expires_at);
        """,

        // 6: messages people can answer, correct and react to (SPEC section 12). A change takes the next position in the id
        // sequence and leaves it in version (null while unchanged); the partial indexes hold changed messages only, so catch-up
        // reads new messages by the (room, id) index and changed ones by these. mentions indexes unread mentions; users is
        // whom a mention in general can name (filled from the messages and memberships by the store after this step).
        """
        ALTER TABLE messages ADD COLUMN reply_to INTEGER;
        ALTER TABLE messages ADD COLUMN mentions TEXT;
        ALTER TABLE messages ADD COLUMN edited_at INTEGER;
        ALTER TABLE messages ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE messages ADD COLUMN reactions TEXT;
        ALTER TABLE messages ADD COLUMN version INTEGER;
        CREATE INDEX messages_changed ON messages (version) WHERE version IS NOT NULL;
        CREATE INDEX messages_room_changed ON messages (room, version) WHERE version IS NOT NULL;
        CREATE TABLE mentions (
            user       TEXT    NOT NULL,
            room       TEXT    NOT NULL,
            message_id INTEGER NOT NULL,
            PRIMARY KEY (user, room, message_id)
        ) WITHOUT ROWID;
        CREATE INDEX mentions_room ON mentions (room, message_id);
        CREATE TABLE users (
            key  TEXT PRIMARY KEY,
            name TEXT NOT NULL
        ) WITHOUT ROWID;
        """,

        // 7: search (SPEC section 14). An FTS5 index over the messages' text (external content: the text is stored once, in
        // messages), kept by triggers in the same transaction as every insert, edit, delete, clear, trim and removed room, and
        // filled from the messages stored before. unicode61 with remove_diacritics 2 ignores case and accents (cafe finds Café).
        // The prefix indexes (2 to 6 characters) make the last word's prefix one term read newest first: without them FTS5 merges
        // every term that starts with it, all of it (134 ms for the commonest word on 1,000,000 messages, 0.2 ms with; the index
        // about twice the size).
        """
        CREATE VIRTUAL TABLE messages_search USING fts5 (text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6');
        CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN
            INSERT INTO messages_search (rowid, text) VALUES (new.id, new.text);
        END;
        CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN
            INSERT INTO messages_search (messages_search, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER messages_search_update AFTER UPDATE OF text ON messages WHEN old.text IS NOT new.text BEGIN
            INSERT INTO messages_search (messages_search, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO messages_search (rowid, text) VALUES (new.id, new.text);
        END;
        INSERT INTO messages_search (messages_search) VALUES ('rebuild');
        """,

        // 8: files (SPEC section 14). An upload is a row without a message until a message attaches it (in the message's
        // commit); the message keeps what it shows of its files as JSON, so that every read returns them without a join.
        """
        ALTER TABLE messages ADD COLUMN files TEXT;
        CREATE TABLE files (
            id           TEXT    PRIMARY KEY,
            user         TEXT    NOT NULL,
            name         TEXT    NOT NULL,
            size         INTEGER NOT NULL,
            content_type TEXT    NOT NULL,
            width        INTEGER,
            height       INTEGER,
            uploaded_at  INTEGER NOT NULL,
            room         TEXT,
            message_id   INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX files_user ON files (user);
        CREATE INDEX files_unattached ON files (uploaded_at) WHERE message_id IS NULL;
        CREATE INDEX files_message ON files (message_id) WHERE message_id IS NOT NULL;
        """,

        // 9: the search index written behind the commits, not in them (docs/performance.md: FTS5's insert in every commit cost
        // a fifth to a third of the acked sends; in batches of a thousand it costs a few microseconds a message). The writer moves
        // what was committed since into the index in batches (SqliteStore.IndexSearchAsync), and search reads the messages not yet
        // moved, the ids over search_progress.indexed_to, from the table itself: a message is found as soon as it is committed.
        // Edits, deletes, clears and trims of messages already in the index still change it in their own transaction.
        """
        CREATE TABLE search_progress (indexed_to INTEGER NOT NULL);
        INSERT INTO search_progress (indexed_to) SELECT coalesce(max(id), 0) FROM messages;
        DROP TRIGGER messages_search_insert;
        DROP TRIGGER messages_search_delete;
        DROP TRIGGER messages_search_update;
        DROP TABLE messages_search;
        CREATE VIRTUAL TABLE messages_search USING fts5 (text, content = 'messages', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4', columnsize = 0);
        INSERT INTO messages_search (messages_search) VALUES ('rebuild');
        CREATE TRIGGER messages_search_delete AFTER DELETE ON messages WHEN old.id <= (SELECT indexed_to FROM search_progress) BEGIN
            INSERT INTO messages_search (messages_search, rowid, text) VALUES ('delete', old.id, old.text);
        END;
        CREATE TRIGGER messages_search_update AFTER UPDATE OF text ON messages
            WHEN old.text IS NOT new.text AND old.id <= (SELECT indexed_to FROM search_progress) BEGIN
            INSERT INTO messages_search (messages_search, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO messages_search (rowid, text) VALUES (new.id, new.text);
        END;
        """,

        // 10: private rooms and moderation (SPEC section 15). A room is private or public and may have a topic. What a user is in a
        // room besides a member is kept apart from the membership (leaving keeps a moderator's role; a ban outlives the membership
        // it ended): a role above member, an invite not yet used, and the ends of a ban and a mute (far in the future: until
        // lifted). Every room's creator so far is its owner. The moderation log keeps every act, read newest first per room.
        // Bots (the server API's users) with the hash of their token and their scopes; a bot's messages say so (bot = 1).
        """
        ALTER TABLE rooms ADD COLUMN private INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE rooms ADD COLUMN topic TEXT;
        CREATE TABLE room_people (
            room       TEXT NOT NULL,
            user       TEXT NOT NULL,
            role       TEXT,
            invited_by TEXT,
            banned_to  INTEGER,
            muted_to   INTEGER,
            PRIMARY KEY (room, user)
        ) WITHOUT ROWID;
        INSERT INTO room_people (room, user, role) SELECT name, created_by, 'owner' FROM rooms WHERE created_by IS NOT NULL;
        CREATE TABLE moderation_log (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            room       TEXT    NOT NULL,
            actor      TEXT    NOT NULL,
            action     TEXT    NOT NULL,
            target     TEXT,
            until      INTEGER,
            at         INTEGER NOT NULL,
            message_id INTEGER,
            role       TEXT,
            topic      TEXT
        );
        CREATE INDEX moderation_log_room ON moderation_log (room, id);
        ALTER TABLE messages ADD COLUMN bot INTEGER;
        CREATE TABLE bots (
            name       TEXT    PRIMARY KEY,
            token_hash TEXT    NOT NULL UNIQUE,
            scopes     TEXT    NOT NULL,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        ) WITHOUT ROWID;
        """,
    ];
}
