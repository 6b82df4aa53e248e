namespace Chat.Tests.History;

/// <summary>The schemas that released versions of Chat created in PostgreSQL, exactly as they ran them at every start, before schema versions.</summary>
internal static class PostgresReleases
{
    /// <summary>The first release: messages of general.</summary>
    public const string First = """
        SELECT pg_advisory_xact_lock(4857112365243057253);
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
        """;

    /// <summary>The conversations release: rooms and memberships, client ids in chat_messages.</summary>
    public const string Conversations = First + """
        ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS room text NOT NULL DEFAULT 'general';
        ALTER TABLE chat_messages ADD COLUMN IF NOT EXISTS client_id text;
        CREATE INDEX IF NOT EXISTS chat_messages_room_id ON chat_messages (room, id);
        CREATE UNIQUE INDEX IF NOT EXISTS chat_messages_user_client_id ON chat_messages (user_name, client_id) WHERE client_id IS NOT NULL;
        CREATE TABLE IF NOT EXISTS chat_rooms (
            name       text        PRIMARY KEY,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS chat_memberships (
            user_name text   NOT NULL,
            room      text   NOT NULL,
            read_id   bigint NOT NULL DEFAULT 0,
            PRIMARY KEY (user_name, room)
        );
        CREATE INDEX IF NOT EXISTS chat_memberships_room ON chat_memberships (room, user_name);
        """;

    /// <summary>
    /// The client-ids release, the last before the counters: client ids in a table of their own, who created each room
    /// and since when it is empty. Idempotent, it also upgraded the databases of the two releases before it.
    /// </summary>
    public const string ClientIds = """
        SELECT pg_advisory_xact_lock(4857112365243057253);
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
        """;

    /// <summary>Each release's schema by name, for theories.</summary>
    public static string Named(string release) => release switch
    {
        nameof(First) => First,
        nameof(Conversations) => Conversations,
        nameof(ClientIds) => ClientIds,
        _ => throw new ArgumentOutOfRangeException(nameof(release), release, "No such release."),
    };
}
