using Chat.Server.History;
using Chat.Server.History.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Tests.History;

/// <summary>The store's paging queries, append, trim and marker moves read ranges of their indexes, never the whole table of messages.</summary>
public sealed partial class PostgresUpgradeTests
{
    [SkippableFact]
    public async Task A_write_transaction_plans_without_jit_and_leaves_the_setting_as_it_was_after_it()
    {
        // Compiling a batch append's plan took 100 to 1,000 times as long as running it (docs/performance.md).
        await OpenAsync();
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var show = new NpgsqlCommand("SHOW jit;", connection);
        var before = (string?)await show.ExecuteScalarAsync();

        string? during;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var locking = new NpgsqlCommand(PostgresSql.LockCounter, connection, transaction))
            {
                await locking.ExecuteNonQueryAsync();
            }

            show.Transaction = transaction;
            during = (string?)await show.ExecuteScalarAsync();
            await transaction.CommitAsync();
        }

        show.Transaction = null;
        var after = (string?)await show.ExecuteScalarAsync();

        before.Should().Be("on", "the server's default");
        during.Should().Be("off", "the statement that starts every write transaction turns JIT off for it");
        after.Should().Be("on", "only for that transaction (SET LOCAL), so a pooler's next client gets the server's setting");
    }

    [SkippableTheory]
    [InlineData(PostgresSql.After, "chat_messages_room_id on chat_messages")]
    [InlineData(PostgresSql.Latest, "chat_messages_room_id on chat_messages")]
    [InlineData(PostgresSql.Before, "chat_messages_room_id on chat_messages")]
    [InlineData(PostgresSql.Append, "chat_client_ids_pkey on chat_client_ids")]
    [InlineData(PostgresSql.Append, "chat_conversations_pkey on chat_conversations")]
    [InlineData(PostgresSql.Trim, "chat_messages_room_id on chat_messages")]
    [InlineData(PostgresSql.MarkMember, "chat_messages_room_id on chat_messages")]
    [InlineData(PostgresSql.All, "chat_messages_room_changed on chat_messages")]
    [InlineData(PostgresSql.MissedAfter, "chat_messages_room_changed on chat_messages")]
    [InlineData(PostgresSql.MissedAfter, "chat_messages_room_id on chat_messages")]
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
        NpgsqlParameter[] parameters = query switch
        {
            PostgresSql.Append =>
            [
                new NpgsqlParameter<string[]> { TypedValue = ["general"] },
                new NpgsqlParameter<string[]> { TypedValue = ["alice"] },
                new NpgsqlParameter<string[]> { TypedValue = ["hi"] },
                new NpgsqlParameter<string[]> { TypedValue = ["g1"] },
                new NpgsqlParameter<DateTime> { TypedValue = Now, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                new NpgsqlParameter<string[]> { TypedValue = [] },
                new NpgsqlParameter<string[]> { TypedValue = [] },
                new NpgsqlParameter<long?[]> { TypedValue = [null] },
                new NpgsqlParameter<string?[]> { TypedValue = [null] },
                new NpgsqlParameter<string?[]> { TypedValue = ["hi"] },
                new NpgsqlParameter<string?[]> { TypedValue = [null] },
                new NpgsqlParameter<bool?[]> { TypedValue = [null] },
            ],
            PostgresSql.Trim => [new NpgsqlParameter<string[]> { TypedValue = ["room1"] }, new NpgsqlParameter<long[]> { TypedValue = [2] }],
            PostgresSql.All => [new NpgsqlParameter<long> { TypedValue = 3 }, new NpgsqlParameter<int> { TypedValue = 5 }],
            PostgresSql.MissedAfter => [new NpgsqlParameter<string[]> { TypedValue = ["room1", "general"] }, new NpgsqlParameter<long> { TypedValue = 3 }, new NpgsqlParameter<int> { TypedValue = 5 }],
            PostgresSql.MarkMember => [new NpgsqlParameter<string> { TypedValue = "alice" }, new NpgsqlParameter<string> { TypedValue = "room1" }, new NpgsqlParameter<long> { TypedValue = 3 }],
            _ => [new NpgsqlParameter<string> { TypedValue = "room1" }, new NpgsqlParameter<long> { TypedValue = 3 }, new NpgsqlParameter<int> { TypedValue = 5 }],
        };
        explain.Parameters.AddRange(parameters);

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        // Assert
        string[] scans = [$"Index Scan using {index}", $"Index Scan Backward using {index}", $"Index Only Scan using {index}"];
        plan.Should().Contain(line => scans.Any(scan => line.Contains(scan, StringComparison.Ordinal)), string.Join('\n', plan));
        plan.Should().NotContain(line => line.Contains("Seq Scan on chat_messages", StringComparison.Ordinal), string.Join('\n', plan));
    }
}
