using Chat.Server.History;
using Chat.Server.History.Sqlite;
using Chat.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Chat.Tests.History;

/// <summary>A SQLite file written by the release before conversations opens with this one, and its queries use their indexes.</summary>
public sealed class SqliteUpgradeTests : IDisposable
{
    // The schema of the release before conversations, exactly as it created it.
    private const string ReleasedSchema = """
        PRAGMA journal_mode = WAL;
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
        """;

    // The schema of the release before client ids had their own table (version 2), as it created it on top of the one above.
    private const string ConversationsSchema = ReleasedSchema + """
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
        PRAGMA user_version = 2;
        """;

    private static readonly DateTime Now = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private readonly string _path = ChatApplication.NewDatabasePath();
    private readonly List<SqliteStore> _opened = [];

    [Fact]
    public async Task A_file_of_the_previous_release_keeps_its_messages_in_general_with_their_ids()
    {
        // Arrange: three messages, the last one deleted, so the sequence is ahead of the rows
        await ExecuteAsync(ReleasedSchema + """
            INSERT INTO messages (user, text, sent_at) VALUES ('alice', 'one', $at), ('bob', 'two', $at), ('carol', 'cleared', $at);
            DELETE FROM messages WHERE id = 3;
            """);

        // Act
        var store = await OpenAsync();
        var appended = await store.AppendAsync([new NewMessage("general", "dave", "after the upgrade", "c1")], Now, default);

        // Assert
        (await store.LastIdAsync(default)).Should().Be(4);
        appended.Single().Message.Id.Should().Be(4, "ids given by the previous release are not given again");
        (await store.GetAsync("general", null, 10, default)).Should().Equal(
            new ChatMessage(1, "general", "alice", "one", Now),
            new ChatMessage(2, "general", "bob", "two", Now),
            appended.Single().Message);
        (await ScalarAsync("PRAGMA user_version;")).Should().Be(SqliteSchema.Migrations.Length);
    }

    [Fact]
    public async Task A_file_of_the_release_before_keeps_its_client_ids_rooms_and_members()
    {
        // Arrange: a message sent with a client id in dev, which bob is in; ops has nobody left
        await ExecuteAsync(ConversationsSchema + """
            INSERT INTO messages (user, text, sent_at, room, client_id) VALUES ('alice', 'one', $at, 'dev', 'c1'), ('bob', 'two', $at, 'general', NULL);
            INSERT INTO rooms (name, created_at) VALUES ('dev', $at), ('ops', $at);
            INSERT INTO memberships (user, room, read_id) VALUES ('bob', 'dev', 1);
            """);

        // Act
        var store = await OpenAsync();
        var resent = await store.AppendAsync([new NewMessage("dev", "alice", "one", "c1")], Now, default);
        var removed = await store.RemoveEmptyRoomsAsync(DateTime.UtcNow.AddMinutes(1), default);

        // Assert
        resent.Single().Should().Be(new Appended(new ChatMessage(1, "dev", "alice", "one", Now), IsNew: false));
        (await store.GetAllAsync(0, 10, default)).Select(m => m.Text).Should().Equal("one", "two");
        (await store.ConversationsOfAsync("bob", default)).Should().Equal("dev");
        removed.Should().Equal(["ops"], "a room without members counts as empty from the upgrade on");
        (await ScalarAsync("PRAGMA user_version;")).Should().Be(SqliteSchema.Migrations.Length);
    }

    [Fact]
    public async Task A_file_of_the_release_before_the_counters_keeps_its_unread_counts()
    {
        // Arrange: version 2 (client ids still in messages) with dev's five messages, bob's marker after the second, alice's own two after it
        await ExecuteAsync(ConversationsSchema + """
            INSERT INTO messages (user, text, sent_at, room) VALUES
                ('carol', 'one', $at, 'dev'), ('carol', 'two', $at, 'dev'), ('alice', 'three', $at, 'dev'), ('bob', 'four', $at, 'dev'), ('alice', 'five', $at, 'dev');
            INSERT INTO rooms (name, created_at) VALUES ('dev', $at);
            INSERT INTO memberships (user, room, read_id) VALUES ('bob', 'dev', 2), ('alice', 'dev', 2);
            """);

        // Act
        var store = await OpenAsync();
        var bobs = (await store.SummariesAsync("bob", default))[1];
        var alices = (await store.SummariesAsync("alice", default))[1];
        var after = await store.AppendAsync([new NewMessage("dev", "carol", "six")], Now, default);

        // Assert
        bobs.Should().Be(new RoomSummary("dev", 5, 2) { Role = "member" }, "bob has alice's two after his marker unread, not his own");
        alices.Should().Be(new RoomSummary("dev", 5, 1) { Role = "member" }, "alice has bob's one unread, not her own two");
        (await store.SummariesAsync("bob", default))[1].Should().Be(new RoomSummary("dev", after[0].Message.Id, 3) { Role = "member" });
    }

    [Fact]
    public async Task A_file_of_the_release_before_message_changes_keeps_everything_and_its_messages_can_be_changed()
    {
        // Arrange: the sign-in release's file (version 5, made from its DDL), with messages in general and dev, a marker and a resend id
        await ExecuteAsync(string.Join('\n', SqliteSchema.Migrations.Take(5)) + """
            INSERT INTO messages (user, text, sent_at, room, seq) VALUES ('alice', 'one', $at, 'general', 1), ('Bob', 'two', $at, 'dev', 1), ('alice', 'three', $at, 'dev', 2);
            INSERT INTO client_ids (user, client_id, room, message_id, sent_at) VALUES ('alice', 'c1', 'general', 1, $at);
            INSERT INTO conversations (room, last_id, last_seq, count) VALUES ('general', 1, 1, 1), ('dev', 3, 2, 2);
            INSERT INTO rooms (name, created_at, created_by) VALUES ('dev', $at, 'Bob');
            INSERT INTO memberships (user, room, read_id, read_seq, own_unread) VALUES ('Bob', 'dev', 2, 1, 0), ('alice', 'dev', 3, 2, 0);
            PRAGMA user_version = 5;
            """);

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
        (await ScalarAsync("PRAGMA user_version;")).Should().Be(SqliteSchema.Migrations.Length);
    }

    [Fact]
    public async Task A_file_of_the_release_before_search_is_indexed_on_upgrade_and_follows_changes_after_it()
    {
        // Arrange: the message-changes release's file (version 6, made from its DDL), with a live, an edited and a deleted message
        await ExecuteAsync(string.Join('\n', SqliteSchema.Migrations.Take(6)) + """
            INSERT INTO messages (user, text, sent_at, room, seq, version, edited_at) VALUES ('alice', 'Café au lait', $at, 'general', 1, NULL, NULL),
                ('bob', 'café edited', $at, 'dev', 1, 4, $at), ('carol', '', $at, 'general', 2, 5, NULL);
            UPDATE messages SET deleted = 1 WHERE id = 3;
            INSERT INTO conversations (room, last_id, last_seq, count) VALUES ('general', 3, 2, 2), ('dev', 2, 1, 1);
            UPDATE sqlite_sequence SET seq = 5 WHERE name = 'messages';
            PRAGMA user_version = 6;
            """);

        // Act
        var store = await OpenAsync();
        var found = await SearchAsync(store, "cafe");
        await store.CommitAsync([], [new MessageChange(ChangeKind.Edit, "general", 1, "alice", Text: "tea")], Now, default);

        // Assert
        found.Select(message => message.Id).Should().Equal(2, 1);
        (await SearchAsync(store, "cafe")).Select(message => message.Id).Should().Equal([2], "the edit took the old words out of the index");
        (await SearchAsync(store, "tea")).Select(message => message.Id).Should().Equal(1);
        (await ScalarAsync("PRAGMA user_version;")).Should().Be(SqliteSchema.Migrations.Length);
    }

    [Fact]
    public async Task A_file_whose_index_was_written_in_each_commit_is_indexed_behind_the_commits_after_the_upgrade()
    {
        // Arrange: the search release's file (version 8, made from its DDL: triggers index each insert), with messages in the index
        await ExecuteAsync(string.Join('\n', SqliteSchema.Migrations.Take(8)) + """
            INSERT INTO messages (user, text, sent_at, room, seq) VALUES ('alice', 'Café au lait', $at, 'general', 1), ('bob', 'café noir', $at, 'dev', 1);
            INSERT INTO conversations (room, last_id, last_seq, count) VALUES ('general', 1, 1, 1), ('dev', 2, 1, 1);
            PRAGMA user_version = 8;
            """);

        // Act
        var store = await OpenAsync();
        var before = await SearchAsync(store, "cafe");
        await store.CommitAsync([new NewMessage("general", "carol", "cafe crème")], [new MessageChange(ChangeKind.Edit, "general", 1, "alice", Text: "tea")], Now, default);
        var committed = await SearchAsync(store, "cafe");
        var moved = await store.IndexSearchAsync(100, default);

        // Assert
        before.Select(message => message.Id).Should().Equal(2, 1);
        committed.Select(message => message.Id).Should().Equal([3, 2], "the new message is found before it is in the index; the edited one is not");
        moved.Should().Be(1, "the messages of before the upgrade were in the index already");
        (await SearchAsync(store, "cafe")).Select(message => message.Id).Should().Equal(3, 2);
        (await SearchAsync(store, "tea")).Select(message => message.Id).Should().Equal(1);
        (await ScalarAsync("SELECT indexed_to FROM search_progress;")).Should().Be(3);
    }

    [Fact]
    public async Task Search_reads_the_full_text_index_newest_first_and_each_hit_by_its_id()
    {
        await ExecuteAsync(ReleasedSchema);
        await OpenAsync();

        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + SqliteSql.Search;
        explain.Parameters.AddWithValue("$match", "\"deploy\"*");
        explain.Parameters.AddWithValue("$rooms", """["general", "dev"]""");
        explain.Parameters.AddWithValue("$author", DBNull.Value);
        explain.Parameters.AddWithValue("$limit", 20);
        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        plan.Should().Contain(line => line.StartsWith("SCAN s VIRTUAL TABLE INDEX", StringComparison.Ordinal), string.Join('\n', plan));
        plan.Should().Contain(line => line.StartsWith("SEARCH m USING INTEGER PRIMARY KEY (rowid=?)", StringComparison.Ordinal), string.Join('\n', plan));
        plan.Should().NotContain(line => line.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal), "the index gives the newest first; nothing is sorted");
        plan.Should().Contain(
            line => line.StartsWith("SEARCH messages USING ", StringComparison.Ordinal) && (line.Contains("id>?)", StringComparison.Ordinal) || line.Contains("rowid>?)", StringComparison.Ordinal)),
            "the messages not yet in the index are read by an id range after it");
        plan.Should().NotContain(line => line.StartsWith("SCAN messages", StringComparison.Ordinal), "no search reads every message");
    }

    [Fact]
    public async Task Opening_an_upgraded_file_again_changes_nothing()
    {
        await ExecuteAsync(ReleasedSchema + "INSERT INTO messages (user, text, sent_at) VALUES ('alice', 'one', $at);");
        var first = await OpenAsync();
        await first.AppendAsync([new NewMessage("dev", "bob", "two", "c1")], Now, default);
        await first.JoinAsync("bob", "dev", new JoinLimits(10, 10, 10, Now), default);

        var second = await OpenAsync();
        var resent = await second.AppendAsync([new NewMessage("dev", "bob", "two", "c1")], Now, default);

        resent.Single().IsNew.Should().BeFalse();
        (await second.GetAllAsync(0, 10, default)).Select(m => (m.Id, m.Room)).Should().Equal((1, "general"), (2, "dev"));
        (await second.ListRoomsAsync(null, default)).Should().Equal(new RoomListing("dev", 1));
    }

    [Theory]
    [InlineData(SqliteSql.After, "SEARCH messages USING INDEX messages_room_id (")]
    [InlineData(SqliteSql.Latest, "SEARCH messages USING INDEX messages_room_id (")]
    [InlineData(SqliteSql.Sent, "SEARCH c USING PRIMARY KEY (user=? AND client_id=?)")]
    [InlineData(SqliteSql.All, "SEARCH messages USING INDEX messages_changed (version>?)")]
    [InlineData(SqliteSql.RunUp, "SEARCH messages USING INDEX messages_room_changed (room=? AND version>? AND version<?)")]
    [InlineData(SqliteSql.RunUp, "SEARCH messages USING INDEX messages_room_id (room=? AND id>? AND id<?)")]
    [InlineData(SqliteSql.PlainFirst, "SEARCH messages USING COVERING INDEX messages_room_id (room=? AND id>?)")]
    [InlineData(SqliteSql.PlainUp, "SEARCH messages USING INDEX messages_room_id (room=? AND id>? AND id<?)")]
    [InlineData(SqliteSql.HeadsUp, "SEARCH messages USING COVERING INDEX messages_room_changed (room=? AND version>?)")]
    [InlineData(SqliteSql.HeadsUp, "SEARCH messages USING COVERING INDEX messages_room_id (room=? AND id>?)")]
    [InlineData(SqliteSql.HeadsDown, "SEARCH messages USING COVERING INDEX messages_room_changed (room=? AND version<?)")]
    [InlineData(SqliteSql.HeadsDown, "SEARCH messages USING COVERING INDEX messages_room_id (room=? AND id<?)")]
    public async Task Conversation_queries_search_their_index(string query, string search)
    {
        await ExecuteAsync(ReleasedSchema);
        await OpenAsync();

        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + query;
        foreach (var name in (string[])["$room", "$afterId", "$limit", "$from", "$to"])
        {
            if (System.Text.RegularExpressions.Regex.IsMatch(query, $@"\{name}\b"))
            {
                explain.Parameters.AddWithValue(name, 1);
            }
        }

        if (query.Contains("$rooms", StringComparison.Ordinal))
        {
            explain.Parameters.AddWithValue("$rooms", """["dev", "ops"]""");
        }

        if (query.Contains("$keys", StringComparison.Ordinal))
        {
            explain.Parameters.AddWithValue("$keys", """[["alice", "c1"]]""");
        }

        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        plan.Should().Contain(line => line.StartsWith(search, StringComparison.Ordinal), string.Join('\n', plan));
        plan.Should().NotContain(line => line.StartsWith("SCAN m", StringComparison.Ordinal) || line.StartsWith("SCAN c", StringComparison.Ordinal), "no query reads every message or client id");
    }

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        ChatApplication.DeleteDatabase(_path);
    }

    private async Task<SqliteStore> OpenAsync()
    {
        var store = new SqliteStore($"Data Source={_path}", new Retention(10_000));
        _opened.Add(store);
        await store.InitializeAsync(default);
        return store;
    }

    private static Task<ChatMessage[]> SearchAsync(SqliteStore store, string query) =>
        store.SearchAsync(new Chat.Server.Search.SearchRequest(["general", "dev"], Chat.Server.Search.SearchQuery.Parse(query).Terms, null, 10), default);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$at", Now.Ticks);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
