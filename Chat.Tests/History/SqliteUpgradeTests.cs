using Chat.Server.History;
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

    private static readonly DateTime Now = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    private readonly string _path = ChatApplication.NewDatabasePath();
    private readonly List<SqliteHistoryStore> _opened = [];

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
        (await ScalarAsync("PRAGMA user_version;")).Should().Be(2);
    }

    [Fact]
    public async Task Opening_an_upgraded_file_again_changes_nothing()
    {
        await ExecuteAsync(ReleasedSchema + "INSERT INTO messages (user, text, sent_at) VALUES ('alice', 'one', $at);");
        var first = await OpenAsync();
        await first.AppendAsync([new NewMessage("dev", "bob", "two", "c1")], Now, default);
        await first.JoinAsync("bob", "dev", 10, 10, default);

        var second = await OpenAsync();
        var resent = await second.AppendAsync([new NewMessage("dev", "bob", "two", "c1")], Now, default);

        resent.Single().IsNew.Should().BeFalse();
        (await second.GetAllAsync(0, 10, default)).Select(m => (m.Id, m.Room)).Should().Equal((1, "general"), (2, "dev"));
        (await second.ListRoomsAsync(default)).Should().Equal(new RoomListing("dev", 1));
    }

    [Theory]
    [InlineData(SqliteHistoryStore.AfterQuery, "messages_room_id")]
    [InlineData(SqliteHistoryStore.LatestQuery, "messages_room_id")]
    [InlineData(SqliteHistoryStore.SentQuery, "messages_user_client_id")]
    public async Task Conversation_queries_search_their_index(string query, string index)
    {
        await ExecuteAsync(ReleasedSchema);
        await OpenAsync();

        await using var connection = new SqliteConnection($"Data Source={_path}");
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + query;
        foreach (var name in (string[])["$room", "$afterId", "$limit", "$user", "$clientId"])
        {
            if (query.Contains(name, StringComparison.Ordinal))
            {
                explain.Parameters.AddWithValue(name, 1);
            }
        }

        var plan = new List<string>();
        await using var reader = await explain.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        plan.Should().ContainSingle().Which.Should().StartWith("SEARCH messages USING").And.Contain($"INDEX {index} (");
    }

    public void Dispose()
    {
        foreach (var store in _opened)
        {
            store.Dispose();
        }

        ChatApplication.DeleteDatabase(_path);
    }

    private async Task<SqliteHistoryStore> OpenAsync()
    {
        var store = new SqliteHistoryStore($"Data Source={_path}", 10_000);
        _opened.Add(store);
        await store.InitializeAsync(default);
        return store;
    }

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
