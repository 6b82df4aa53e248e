using Chat.Server.History;
using Chat.Server.History.Postgres;
using Chat.Server.Search;
using Npgsql;

namespace Chat.Tests.History;

/// <summary>Search on a database of an earlier release: its messages are indexed on upgrade, and the query uses the index.</summary>
public sealed partial class PostgresUpgradeTests
{
    [SkippableFact]
    public async Task A_database_of_the_release_before_search_is_indexed_on_upgrade_and_follows_changes_after_it()
    {
        // Arrange: the message-changes release's database (version 4), with a live, an edited and a deleted message
        await WriteAsReleasedAsync(
            PostgresSchema.Prepare + string.Join('\n', PostgresSchema.Migrations.Take(4)) + PostgresSchema.SetVersion(4),
            """
            INSERT INTO chat_messages (id, user_name, text, sent_at, room, seq, version, edited_at, deleted) VALUES
                (1, 'alice', 'Café au lait', $1, 'general', 1, NULL, NULL, false),
                (2, 'bob', 'café edited', $1, 'dev', 1, 4, $1, false),
                (3, 'carol', '', $1, 'general', 2, 5, NULL, true);
            """,
            "UPDATE chat_counter SET last_id = 5;",
            "INSERT INTO chat_conversations (room, last_id, last_seq, count) VALUES ('general', 3, 2, 2), ('dev', 2, 1, 1);");

        // Act
        var store = await OpenAsync();
        var found = await SearchAsync(store, "cafe");
        await store.CommitAsync([], [new MessageChange(ChangeKind.Edit, "general", 1, "alice", Text: "tea")], Now, default);

        // Assert
        found.Select(message => message.Id).Should().Equal(2, 1);
        (await SearchAsync(store, "cafe")).Select(message => message.Id).Should().Equal([2], "the edit took the old words out of the index");
        (await SearchAsync(store, "tea")).Select(message => message.Id).Should().Equal(1);
        (await VersionAsync()).Should().Be(PostgresSchema.Migrations.Length);
    }

    [SkippableFact]
    public async Task Search_uses_the_index_built_with_the_same_text_search_configuration()
    {
        // Arrange: 5,000 messages, one with the words; plain index scans off, so the choice is the GIN index or every row of the rooms
        var store = await OpenAsync();
        await store.AppendAsync([new NewMessage("general", "alice", "deploy number one")], Now, default);
        await store.AppendAsync([.. Enumerable.Range(0, 5_000).Select(i => new NewMessage(i % 2 == 0 ? "general" : "dev", "bob", $"lunch at {i}"))], Now, default);

        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var off = new NpgsqlCommand("ANALYZE; SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;", connection, transaction))
        {
            await off.ExecuteNonQueryAsync();
        }

        // Act
        await using var explain = new NpgsqlCommand("EXPLAIN " + PostgresSql.Search, connection, transaction);
        explain.Parameters.Add(new NpgsqlParameter<string> { TypedValue = PostgresStore.Query(SearchQuery.Parse("deploy num").Terms) });
        explain.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ["general", "dev"] });
        explain.Parameters.Add(new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        explain.Parameters.Add(new NpgsqlParameter<int> { TypedValue = 20 });
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        // Assert
        plan.Should().Contain(line => line.Contains("Bitmap Index Scan on chat_messages_search", StringComparison.Ordinal), string.Join('\n', plan));
        plan.Should().NotContain(line => line.Contains("Seq Scan on chat_messages", StringComparison.Ordinal), string.Join('\n', plan));
    }

    private static Task<ChatMessage[]> SearchAsync(PostgresStore store, string query) =>
        store.SearchAsync(new SearchRequest(["general", "dev"], SearchQuery.Parse(query).Terms, null, 10), default);
}
