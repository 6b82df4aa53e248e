namespace Chat.Server.History.Postgres;

/// <summary>
/// The PostgreSQL schema as numbered steps, applied in order from the version in <c>chat_schema</c> (a database of a
/// release before the versions has none: it starts from step 1, which brings any of them to one shape) in one
/// transaction at start, under an advisory lock.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>
    /// Takes the start-up's advisory lock (any fixed number; advisory locks are per database) until commit, and makes
    /// sure the version table exists. Start-ups take turns because CREATE TABLE IF NOT EXISTS still fails when two
    /// processes run it at once.
    /// </summary>
    public const string Prepare = """
        SELECT pg_advisory_xact_lock(4857112365243057253);
        CREATE TABLE IF NOT EXISTS chat_schema (
            single  boolean PRIMARY KEY DEFAULT true CHECK (single),
            version int     NOT NULL
        );
        """;

    /// <summary>The last migration applied; 0 without a row (an empty database, or one of a release before the versions).</summary>
    public const string Version = "SELECT coalesce((SELECT version FROM chat_schema), 0);";

    public static string SetVersion(int version) =>
        $"INSERT INTO chat_schema (version) VALUES ({version}) ON CONFLICT (single) DO UPDATE SET version = excluded.version;";

    /// <summary>The step that made chat_users; the store fills it after running the step.</summary>
    public const int UsersStep = 4;

    /// <summary>The step that made chat_messages.search; the store fills it for the messages stored before.</summary>
    public const int SearchStep = 5;

    public static readonly string[] Migrations =
    [
        // 1: every release before the versions, brought to the shape of the last of them (the client-ids release) by
        // what each of them ran at every start: idempotent, so it fits an empty database, the first release's (messages
        // of general), the conversations release's (client ids in chat_messages) and the client-ids release's alike.
        """
        CREATE TABLE IF NOT EXISTS chat_messages (
            id        bigint      PRIMARY KEY,
            user_name text        NOT NULL,
            text      text        NOT NULL,
            sent_at   timestamptz NOT NULL
        );
        CREATE TABLE IF NOT EXISTS chat_counter (
            single  boolean PRIMARY KEY DEFAULT true CHECK (single),
            last_id bigint  NOT NULL
        );
        INSERT INTO chat_counter (last_id) VALUES (0) ON CONFLICT DO NOTHING;
        CREATE TABLE IF NOT EXISTS chat_probe (
            id   int   PRIMARY KEY,
            data bytea NOT NULL
        );
        ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS room text NOT NULL DEFAULT 'general';
        CREATE INDEX IF NOT EXISTS chat_messages_room_id ON chat_messages (room, id);
        CREATE TABLE IF NOT EXISTS chat_client_ids (
            user_name  text        NOT NULL,
            client_id  text        NOT NULL,
            room       text        NOT NULL,
            message_id bigint      NOT NULL,
            sent_at    timestamptz NOT NULL,
            PRIMARY KEY (user_name, client_id)
        );
        CREATE INDEX IF NOT EXISTS chat_client_ids_sent_at ON chat_client_ids (sent_at);
        DO $$
        BEGIN
            -- Releases before client ids had their own table kept them in chat_messages.
            IF EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'chat_messages' AND column_name = 'client_id') THEN
                INSERT INTO chat_client_ids (user_name, client_id, room, message_id, sent_at)
                    SELECT user_name, client_id, room, id, sent_at FROM chat_messages WHERE client_id IS NOT NULL
                    ON CONFLICT DO NOTHING;
                ALTER TABLE chat_messages DROP COLUMN client_id;
            END IF;
        END
        $$;
        CREATE TABLE IF NOT EXISTS chat_rooms (
            name       text        PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        ALTER TABLE chat_rooms ADD COLUMN IF NOT EXISTS created_by text;
        ALTER TABLE chat_rooms ADD COLUMN IF NOT EXISTS empty_since timestamptz;
        CREATE INDEX IF NOT EXISTS chat_rooms_created_by ON chat_rooms (created_by, created_at);
        CREATE TABLE IF NOT EXISTS chat_memberships (
            user_name text   NOT NULL,
            room      text   NOT NULL,
            read_id   bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (user_name, room)
        );
        CREATE INDEX IF NOT EXISTS chat_memberships_room ON chat_memberships (room, user_name);
        UPDATE chat_rooms r SET empty_since = now()
            WHERE empty_since IS NULL AND NOT EXISTS (SELECT 1 FROM chat_memberships m WHERE m.room = r.name);
        """,

        // 2: counters kept with each commit, so that reading a user's conversations costs per conversation, not per
        // message: each conversation's newest id, message count and sequence (a message's place in its conversation),
        // and for each membership where its marker is in that sequence and how many of the user's own messages follow it.
        """
        CREATE TABLE chat_conversations (
            room     text   PRIMARY KEY,
            last_id  bigint,
            last_seq bigint NOT NULL DEFAULT 0,
            count    bigint NOT NULL DEFAULT 0
        );
        ALTER TABLE chat_messages ADD COLUMN seq bigint NOT NULL DEFAULT 0;
        ALTER TABLE chat_memberships ADD COLUMN read_seq bigint NOT NULL DEFAULT 0;
        ALTER TABLE chat_memberships ADD COLUMN own_unread bigint NOT NULL DEFAULT 0;
        UPDATE chat_messages m SET seq = ordinal.n
            FROM (SELECT id, row_number() OVER (PARTITION BY room ORDER BY id) AS n FROM chat_messages) AS ordinal
            WHERE m.id = ordinal.id;
        INSERT INTO chat_conversations (room, last_id, last_seq, count)
            SELECT room, max(id), count(*), count(*) FROM chat_messages GROUP BY room;
        UPDATE chat_memberships ms SET
            read_seq = coalesce((SELECT m.seq FROM chat_messages m WHERE m.room = ms.room AND m.id <= ms.read_id ORDER BY m.id DESC LIMIT 1), 0),
            own_unread = (SELECT count(*) FROM chat_messages m WHERE m.room = ms.room AND m.id > ms.read_id AND m.user_name = ms.user_name);
        """,
        // 3: built-in accounts (SPEC section 13): accounts, invites, and sign-in sessions with their refresh tokens.
        """
        CREATE TABLE chat_accounts (
            name          text        PRIMARY KEY,
            password_hash text        NOT NULL,
            admin         boolean     NOT NULL DEFAULT false,
            must_change   boolean     NOT NULL DEFAULT false,
            disabled_at   timestamptz,
            created_at    timestamptz NOT NULL
        );
        CREATE INDEX chat_accounts_disabled_at ON chat_accounts (disabled_at) WHERE disabled_at IS NOT NULL;
        CREATE TABLE chat_invites (
            code_hash  text        PRIMARY KEY,
            uses_left  int         NOT NULL,
            expires_at timestamptz NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE TABLE chat_sessions (
            id         text        PRIMARY KEY,
            user_name  text        NOT NULL,
            created_at timestamptz NOT NULL,
            revoked_at timestamptz
        );
        CREATE INDEX chat_sessions_user_name ON chat_sessions (user_name);
        CREATE INDEX chat_sessions_revoked_at ON chat_sessions (revoked_at) WHERE revoked_at IS NOT NULL;
        CREATE TABLE chat_refresh_tokens (
            hash       text        PRIMARY KEY,
            session    text        NOT NULL,
            expires_at timestamptz NOT NULL,
            used_at    timestamptz
        );
        CREATE INDEX chat_refresh_tokens_session ON chat_refresh_tokens (session);
        CREATE INDEX chat_refresh_tokens_expires_at ON chat_refresh_tokens (expires_at);
        """,

        // 4: messages people can answer, correct and react to (SPEC section 12). A change takes the next position of the id
        // counter and leaves it in version (null while unchanged); the partial indexes hold changed messages only, so catch-up
        // reads new messages by the (room, id) index and changed ones by these. Mentions and reactions are JSON text, as in
        // SQLite. chat_mentions indexes unread mentions; chat_users is whom a mention in general can name (filled from the
        // messages and memberships by the store after this step).
        """
        ALTER TABLE chat_messages ADD COLUMN reply_to bigint, ADD COLUMN mentions text, ADD COLUMN edited_at timestamptz,
            ADD COLUMN deleted boolean NOT NULL DEFAULT false, ADD COLUMN reactions text, ADD COLUMN version bigint;
        CREATE INDEX chat_messages_changed ON chat_messages (version) WHERE version IS NOT NULL;
        CREATE INDEX chat_messages_room_changed ON chat_messages (room, version) WHERE version IS NOT NULL;
        CREATE TABLE chat_mentions (
            user_name  text   NOT NULL,
            room       text   NOT NULL,
            message_id bigint NOT NULL,
            PRIMARY KEY (user_name, room, message_id)
        );
        CREATE INDEX chat_mentions_room ON chat_mentions (room, message_id);
        CREATE TABLE chat_users (
            key  text PRIMARY KEY,
            name text NOT NULL
        );
        """,

        // 5: search (SPEC section 14). search is a tsvector of the text's words as Chat.Server's SearchText makes them (without
        // accents, lower case, one space apart), made with to_tsvector('simple'::regconfig, ...) in the same statement that writes the
        // message or an edit (a deleted message's is empty), and filled by the store for the messages stored before. Accents are
        // stripped in C# rather than by the unaccent extension, which is contrib, needs a privilege to install and is not IMMUTABLE;
        // 'simple' then only splits on the spaces. A stored column rather than an expression index: the query cannot miss the
        // index by naming another configuration (an index built with one and queried with another is never used), and a recheck
        // (phrases, lossy pages) reads the vector instead of parsing the text again.
        """
        ALTER TABLE chat_messages ADD COLUMN search tsvector;
        CREATE INDEX chat_messages_search ON chat_messages USING gin (search);
        """,

        // 6: files (SPEC section 14). An upload is a row without a message until a message attaches it (in the message's
        // commit); the message keeps what it shows of its files as JSON text, so that every read returns them without a join.
        """
        ALTER TABLE chat_messages ADD COLUMN files text;
        CREATE TABLE chat_files (
            id           text        PRIMARY KEY,
            user_name    text        NOT NULL,
            name         text        NOT NULL,
            size         bigint      NOT NULL,
            content_type text        NOT NULL,
            width        integer,
            height       integer,
            uploaded_at  timestamptz NOT NULL,
            room         text,
            message_id   bigint
        );
        CREATE INDEX chat_files_user_name ON chat_files (user_name);
        CREATE INDEX chat_files_unattached ON chat_files (uploaded_at) WHERE message_id IS NULL;
        CREATE INDEX chat_files_message ON chat_files (message_id) WHERE message_id IS NOT NULL;
        """,

        // 7: private rooms and moderation (SPEC section 15). A room is private or public and may have a topic. What a user is in a
        // room besides a member is kept apart from the membership (leaving keeps a moderator's role; a ban outlives the membership
        // it ended): a role above member, an invite not yet used, and the ends of a ban and a mute (far in the future: until
        // lifted). Every room's creator so far is its owner. The moderation log keeps every act, read newest first per room.
        // Bots (the server API's users) with the hash of their token and their scopes; a bot's messages say so (bot true).
        """
        ALTER TABLE chat_rooms ADD COLUMN private boolean NOT NULL DEFAULT false, ADD COLUMN topic text;
        CREATE TABLE chat_room_people (
            room       text NOT NULL,
            user_name  text NOT NULL,
            role       text,
            invited_by text,
            banned_to  timestamptz,
            muted_to   timestamptz,
            PRIMARY KEY (room, user_name)
        );
        INSERT INTO chat_room_people (room, user_name, role) SELECT name, created_by, 'owner' FROM chat_rooms WHERE created_by IS NOT NULL;
        CREATE TABLE chat_moderation_log (
            id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            room       text        NOT NULL,
            actor      text        NOT NULL,
            action     text        NOT NULL,
            target     text,
            until      timestamptz,
            at         timestamptz NOT NULL,
            message_id bigint,
            role       text,
            topic      text
        );
        CREATE INDEX chat_moderation_log_room ON chat_moderation_log (room, id);
        ALTER TABLE chat_messages ADD COLUMN bot boolean;
        CREATE TABLE chat_bots (
            name       text        PRIMARY KEY,
            token_hash text        NOT NULL UNIQUE,
            scopes     text        NOT NULL,
            created_at timestamptz NOT NULL,
            revoked_at timestamptz
        );
        """,
    ];
}
