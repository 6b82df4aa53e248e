using Chat.Server.History;
using Chat.Server.History.Postgres;
using Chat.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Tests.History;

/// <summary>A PostgreSQL database written by the release before conversations opens with this one, and its queries use their indexes.</summary>
public sealed class PostgresUpgradeTests : IAsyncLifetime
{
    // The schema of the release before conversations, exactly as it created it.
    private const string ReleasedSchema = """
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

    // What the release before client ids had their own table added to the schema above, as it created it.
    private const string ConversationsSchema = ReleasedSchema + """
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

    private static readonly DateTime Now = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private readonly List<PostgresStore> _opened = [];
    private string _database = "";

    [SkippableFact]
    public async Task A_database_of_the_previous_release_keeps_its_messages_in_general_with_their_ids()
    {
        // Arrange: three messages given out, the last one gone (as after retention), the counter at 3
        await WriteAsReleasedAsync(
            "INSERT INTO chat_messages (id, user_name, text, sent_at) VALUES (1, 'alice', 'one', $1), (2, 'bob', 'two', $1);",
            "UPDATE chat_counter SET last_id = 3;");

        // Act
        var store = await OpenAsync();
        var appended = await store.AppendAsync([new NewMessage("general", "dave", "after the upgrade", "c1")], Now, default);

        // Assert
        appended.Single().Message.Id.Should().Be(4, "ids given by the previous release are not given again");
        (await store.LastIdAsync(default)).Should().Be(4);
        (await store.GetAsync("general", null, 10, default)).Should().Equal(
            new ChatMessage(1, "general", "alice", "one", Now),
            new ChatMessage(2, "general", "bob", "two", Now),
            appended.Single().Message);
    }

    [SkippableFact]
    public async Task A_database_of_the_release_before_keeps_its_client_ids_rooms_and_members()
    {
        // Arrange: a message sent with a client id in dev, which bob is in; ops has nobody left
        await WriteAsReleasedAsync(
            ConversationsSchema,
            "INSERT INTO chat_messages (id, user_name, text, sent_at, room, client_id) VALUES (1, 'alice', 'one', $1, 'dev', 'c1'), (2, 'bob', 'two', $1, 'general', NULL);",
            "UPDATE chat_counter SET last_id = 2;",
            "INSERT INTO chat_rooms (name) VALUES ('dev'), ('ops');",
            "INSERT INTO chat_memberships (user_name, room, read_id) VALUES ('bob', 'dev', 1);");

        // Act
        var store = await OpenAsync();
        var resent = await store.AppendAsync([new NewMessage("dev", "alice", "one", "c1")], Now, default);
        var removed = await store.RemoveEmptyRoomsAsync(DateTime.UtcNow.AddMinutes(1), default);

        // Assert
        resent.Single().Should().Be(new Appended(new ChatMessage(1, "dev", "alice", "one", Now), IsNew: false));
        (await store.GetAllAsync(0, 10, default)).Select(m => m.Text).Should().Equal("one", "two");
        (await store.ConversationsOfAsync("bob", default)).Should().Equal("dev");
        removed.Should().Equal(["ops"], "a room without members counts as empty from the upgrade on");
        (await OpenAsync()).Should().NotBeNull("opening it again changes nothing");
        (await store.AppendAsync([new NewMessage("dev", "alice", "one", "c1")], Now, default)).Single().IsNew.Should().BeFalse();
    }

    [SkippableFact]
    public async Task Opening_an_upgraded_database_again_changes_nothing()
    {
        await WriteAsReleasedAsync("INSERT INTO chat_messages (id, user_name, text, sent_at) VALUES (1, 'alice', 'one', $1);", "UPDATE chat_counter SET last_id = 1;");
        var first = await OpenAsync();
        await first.AppendAsync([new NewMessage("dev", "bob", "two", "c1")], Now, default);
        await first.JoinAsync("bob", "dev", new JoinLimits(10, 10, 10, Now), default);

        var second = await OpenAsync();
        var resent = await second.AppendAsync([new NewMessage("dev", "bob", "two", "c1")], Now, default);

        resent.Single().IsNew.Should().BeFalse();
        (await second.GetAllAsync(0, 10, default)).Select(m => (m.Id, m.Room)).Should().Equal((1, "general"), (2, "dev"));
        (await second.ListRoomsAsync(default)).Should().Equal(new RoomListing("dev", 1));
    }

    [SkippableTheory]
    [InlineData(PostgresSql.After, "chat_messages_room_id on chat_messages")]
    [InlineData(PostgresSql.Latest, "chat_messages_room_id on chat_messages")]
    [InlineData(PostgresSql.Append, "chat_client_ids_pkey on chat_client_ids")]
    public async Task Conversation_queries_scan_their_index(string query, string index)
    {
        // Arrange: a few messages in a few conversations; a table this small would be read whole unless told not to
        var store = await OpenAsync();
        for (var i = 0; i < 10; i++)
        {
            await store.AppendAsync([new NewMessage("general", "alice", $"g{i}", $"g{i}"), new NewMessage($"room{i % 3}", "bob", $"r{i}")], Now, default);
        }

        await store.JoinAsync("alice", "room1", new JoinLimits(10, 10, 10, Now), default);

        // Act
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("ANALYZE; SET LOCAL enable_seqscan = off;", connection, transaction))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var explain = new NpgsqlCommand("EXPLAIN " + query, connection, transaction);
        if (query == PostgresSql.Append)
        {
            foreach (var values in (string[][])[["general"], ["alice"], ["hi"], ["g1"]])
            {
                explain.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = values });
            }

            explain.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            explain.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [] });
            explain.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [] });
        }
        else
        {
            explain.Parameters.Add(new NpgsqlParameter<string> { TypedValue = query.Contains("chat_memberships", StringComparison.Ordinal) ? "alice" : "room1" });
            explain.Parameters.Add(new NpgsqlParameter<long> { TypedValue = 3 });
            explain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 5 });
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        // Assert
        plan.Should().Contain(line => line.Contains($"Index Scan using {index}", StringComparison.Ordinal) || line.Contains($"Index Scan Backward using {index}", StringComparison.Ordinal), string.Join('\n', plan));
        plan.Should().NotContain(line => line.Contains("Seq Scan on chat_messages", StringComparison.Ordinal), string.Join('\n', plan));
    }

    public async Task InitializeAsync() => _database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }

    private async Task<PostgresStore> OpenAsync()
    {
        var store = new PostgresStore(_database, new Retention(10_000));
        _opened.Add(store);
        await store.InitializeAsync(default).DefaultTimeout();
        return store;
    }

    /// <summary>Creates the released schema, then runs each statement (<c>$1</c>: <see cref="Now"/>).</summary>
    private async Task WriteAsReleasedAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var schema = new NpgsqlCommand(ReleasedSchema, connection, transaction))
        {
            await schema.ExecuteNonQueryAsync();
        }

        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection, transaction);
            if (statement.Contains("$1", StringComparison.Ordinal))
            {
                command.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = Now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            }

            await command.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }
}
