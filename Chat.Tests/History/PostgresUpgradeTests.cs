using Chat.Server.Configuration;
using Chat.Server.History;
using Chat.Server.History.Postgres;
using Chat.Tests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Tests.History;

/// <summary>A PostgreSQL database written by any earlier release opens with this one (<see cref="PostgresSchema"/>); its queries use their indexes (the other part).</summary>
public sealed partial class PostgresUpgradeTests : IAsyncLifetime
{
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
        (await VersionAsync()).Should().Be(PostgresSchema.Migrations.Length);
    }

    [SkippableFact]
    public async Task A_database_of_the_release_before_message_changes_keeps_everything_and_its_messages_can_be_changed()
    {
        // Arrange: the sign-in release's database (version 3, made from its DDL), with messages in general and dev, a marker and a resend id
        await WriteAsReleasedAsync(
            PostgresSchema.Prepare + string.Join('\n', PostgresSchema.Migrations.Take(3)) + PostgresSchema.SetVersion(3),
            "INSERT INTO chat_messages (id, user_name, text, sent_at, room, seq) VALUES (1, 'alice', 'one', $1, 'general', 1), (2, 'Bob', 'two', $1, 'dev', 1), (3, 'alice', 'three', $1, 'dev', 2);",
            "UPDATE chat_counter SET last_id = 3;",
            "INSERT INTO chat_client_ids (user_name, client_id, room, message_id, sent_at) VALUES ('alice', 'c1', 'general', 1, $1);",
            "INSERT INTO chat_conversations (room, last_id, last_seq, count) VALUES ('general', 1, 1, 1), ('dev', 3, 2, 2);",
            "INSERT INTO chat_rooms (name, created_by) VALUES ('dev', 'Bob');",
            "INSERT INTO chat_memberships (user_name, room, read_id, read_seq, own_unread) VALUES ('Bob', 'dev', 2, 1, 0), ('alice', 'dev', 3, 2, 0);");

        // Act
        var store = await OpenAsync();
        var before = await store.GetAllAsync(0, 10, default);
        var edited = (await store.CommitAsync([], [new MessageChange(ChangeKind.Edit, "dev", 3, "alice", Text: "three, edited")], Now, default)).Changes[0];
        var resent = await store.AppendAsync([new NewMessage("general", "alice", "one", "c1")], Now, default);

        // Assert
        before.Select(message => (message.Id, message.Room, message.User, message.Text)).Should().Equal((1, "general", "alice", "one"), (2, "dev", "Bob", "two"), (3, "dev", "alice", "three"));
        before.Should().AllSatisfy(message => message.Version.Should().BeNull());
        edited.Message!.Version.Should().Be(4, "the first change takes the position after the last id");
        resent.Single().Should().Be(new Appended(new ChatMessage(1, "general", "alice", "one", Now), IsNew: false));
        (await store.SummariesAsync("Bob", default))[1].Should().Be(new RoomSummary("dev", 3, 1, 0) { Role = "owner" });
        (await store.ReadersAsync("general", ["bob", "alice"], default)).Should().BeEquivalentTo(["Bob", "alice"], "who posted before the upgrade can be mentioned");
        (await store.GetMissedAsync(["dev"], 3, 10, default)).Should().ContainSingle().Which.Text.Should().Be("three, edited");
        (await VersionAsync()).Should().Be(PostgresSchema.Migrations.Length);
    }

    [SkippableFact]
    public async Task A_database_of_the_release_before_keeps_its_client_ids_rooms_and_members()
    {
        // Arrange: a message sent with a client id in dev, which bob is in; ops has nobody left
        await WriteAsReleasedAsync(
            PostgresReleases.Conversations,
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
        (await VersionAsync()).Should().Be(PostgresSchema.Migrations.Length);
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
        (await second.ListRoomsAsync(null, default)).Should().Equal(new RoomListing("dev", 1));
    }

    [SkippableFact]
    public async Task A_database_of_the_release_before_the_counters_keeps_its_unread_counts()
    {
        // Arrange: dev's five messages around one of general's; bob's and alice's markers after dev's second, with alice's
        // own two after them; bob's marker in general before its message, alice without one
        await WriteAsReleasedAsync(
            PostgresReleases.ClientIds,
            """
            INSERT INTO chat_messages (id, user_name, text, sent_at, room) VALUES
                (1, 'carol', 'one', $1, 'dev'), (2, 'carol', 'two', $1, 'dev'), (3, 'carol', 'elsewhere', $1, 'general'),
                (4, 'alice', 'three', $1, 'dev'), (5, 'bob', 'four', $1, 'dev'), (6, 'alice', 'five', $1, 'dev');
            """,
            "UPDATE chat_counter SET last_id = 6;",
            "INSERT INTO chat_rooms (name, created_by) VALUES ('dev', 'carol');",
            "INSERT INTO chat_memberships (user_name, room, read_id) VALUES ('bob', 'dev', 2), ('alice', 'dev', 2), ('bob', 'general', 0);");

        // Act
        var store = await OpenAsync();
        var bobs = await store.SummariesAsync("bob", default);
        var alices = await store.SummariesAsync("alice", default);
        var after = await store.AppendAsync([new NewMessage("dev", "carol", "six")], Now, default);
        var bobsAfter = await store.SummaryAsync("bob", "dev", default);
        await store.MarkReadAsync([new ReadMark("bob", "dev", 4)], default);

        // Assert
        bobs.Should().Equal([new RoomSummary("general", 3, 1) { Role = "member" }, new RoomSummary("dev", 6, 2) { Role = "member" }], "bob has alice's two after his marker unread, not his own, and general's one");
        alices.Should().Equal([new RoomSummary("general", 3, 0) { Role = "member" }, new RoomSummary("dev", 6, 1) { Role = "member" }], "alice has bob's one unread, not her own two, and no marker in general");
        after.Single().Message.Id.Should().Be(7);
        bobsAfter.Should().Be(new RoomSummary("dev", 7, 3) { Role = "member" });
        (await store.SummaryAsync("bob", "dev", default)).Should().Be(new RoomSummary("dev", 7, 2) { Role = "member" }, "alice's five and carol's six follow his new marker");
    }

    [SkippableFact]
    public async Task A_database_the_release_before_the_counters_upgraded_opens_with_its_data_and_again_changes_nothing()
    {
        // Arrange: a first release's database, upgraded by the release before the counters at its start and written by it
        await WriteAsReleasedAsync(
            "INSERT INTO chat_messages (id, user_name, text, sent_at) VALUES (1, 'alice', 'one', $1);",
            "UPDATE chat_counter SET last_id = 1;",
            PostgresReleases.ClientIds,
            "INSERT INTO chat_messages (id, user_name, text, sent_at, room) VALUES (2, 'bob', 'two', $1, 'dev'), (3, 'alice', 'three', $1, 'dev');",
            "INSERT INTO chat_client_ids (user_name, client_id, room, message_id, sent_at) VALUES ('bob', 'c1', 'dev', 2, $1);",
            "UPDATE chat_counter SET last_id = 3;",
            "INSERT INTO chat_rooms (name, created_by, empty_since) VALUES ('dev', 'bob', NULL), ('ops', 'alice', $1 - interval '7 days');",
            "INSERT INTO chat_memberships (user_name, room, read_id) VALUES ('bob', 'dev', 0);");

        // Act
        await OpenAsync();
        var upgraded = await DumpAsync();
        var second = await OpenAsync();

        // Assert
        (await DumpAsync()).Should().Be(upgraded, "opening it again runs no migration");
        (await VersionAsync()).Should().Be(PostgresSchema.Migrations.Length);
        (await second.AppendAsync([new NewMessage("dev", "bob", "two", "c1")], Now, default)).Single().Should().Be(new Appended(new ChatMessage(2, "dev", "bob", "two", Now), IsNew: false));
        (await second.GetAllAsync(0, 10, default)).Select(m => (m.Id, m.Room)).Should().Equal((1, "general"), (2, "dev"), (3, "dev"));
        (await second.SummariesAsync("bob", default)).Should().Equal(new RoomSummary("general", 1, 0) { Role = "member" }, new RoomSummary("dev", 3, 1) { Role = "owner" });
        (await second.RemoveEmptyRoomsAsync(Now.AddDays(-3), default)).Should().Equal(["ops"], "ops has been empty for a week, dev has bob");
    }

    [SkippableTheory]
    [InlineData(nameof(PostgresReleases.First))]
    [InlineData(nameof(PostgresReleases.Conversations))]
    [InlineData(nameof(PostgresReleases.ClientIds))]
    public async Task Every_earlier_release_upgrades_to_the_shape_of_a_new_database(string release)
    {
        // Arrange
        var empty = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var fresh = new PostgresStore(empty, new Retention(10_000));
        _opened.Add(fresh);
        await fresh.InitializeAsync(default).DefaultTimeout();
        var expected = await ShapeAsync(empty);
        await WriteAsReleasedAsync(PostgresReleases.Named(release));

        // Act
        await OpenAsync();

        // Assert
        (await ShapeAsync(_database)).Should().Be(expected);
    }

    [SkippableFact]
    public async Task A_database_of_a_newer_release_stops_the_start_with_one_line()
    {
        await OpenAsync();
        await using (var newer = new NpgsqlConnection(_database))
        {
            await newer.OpenAsync();
            await using var command = new NpgsqlCommand("UPDATE chat_schema SET version = 99;", newer);
            await command.ExecuteNonQueryAsync();
        }

        var open = OpenAsync;

        (await open.Should().ThrowAsync<StartupException>()).Which.Message.Should().Be(
            $"the PostgreSQL database {new NpgsqlConnectionStringBuilder(_database).Database} has schema version 99, written by a newer release of Chat; this one knows versions up to {PostgresSchema.Migrations.Length}. Run the newer release.");
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

    /// <summary>Every column and index of Chat's tables, one per line, in a stable order.</summary>
    private static async Task<string> ShapeAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            """
            SELECT string_agg(line, E'\n' ORDER BY line) FROM (
                SELECT format('%s.%s %s %s %s', table_name, column_name, data_type, is_nullable, column_default) AS line
                FROM information_schema.columns WHERE table_schema = current_schema() AND table_name LIKE 'chat%'
                UNION ALL
                SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE 'chat%') AS shape;
            """,
            connection);
        return (string)(await query.ExecuteScalarAsync())!;
    }

    /// <summary>The shape and every row of Chat's tables (but the probe's), as text.</summary>
    private async Task<string> DumpAsync()
    {
        var dump = new System.Text.StringBuilder(await ShapeAsync(_database));
        foreach (var table in (string[])["chat_schema", "chat_counter", "chat_messages", "chat_client_ids", "chat_rooms", "chat_memberships", "chat_conversations"])
        {
            dump.Append('\n').Append(table).Append(": ").Append(await ScalarAsync<string>($"SELECT coalesce(json_agg(t ORDER BY t::text), '[]')::text FROM {table} t;"));
        }

        return dump.ToString();
    }

    private Task<int> VersionAsync() => ScalarAsync<int>("SELECT version FROM chat_schema;");

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(sql, connection);
        return (T)(await query.ExecuteScalarAsync())!;
    }

    /// <summary>Creates the first release's schema, then runs each statement (<c>$1</c>: <see cref="Now"/>).</summary>
    private async Task WriteAsReleasedAsync(params string[] statements)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var schema = new NpgsqlCommand(PostgresReleases.First, connection, transaction))
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
