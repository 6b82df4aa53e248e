using Chat.Bench.HistoryScale;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Chat.Bench.Search;

/// <summary>
/// Bench only: a store's writes without the search index, to measure what the index costs them. SQLite: the writer finds
/// nothing to move into the FTS5 table and its triggers are gone; PostgreSQL: the GIN index is dropped (the search column is
/// still written). The server never runs this.
/// </summary>
internal static class SearchIndexSwitch
{
    // Nothing moves into the index any more (it holds everything up to the largest id) and no edit or delete changes it.
    private const string SqliteOff = "DROP TRIGGER messages_search_delete; DROP TRIGGER messages_search_update; UPDATE search_progress SET indexed_to = 9223372036854775807;";

    public static async Task OffAsync(ScratchHistory history, CancellationToken cancellationToken)
    {
        if (history.IsSqlite)
        {
            await using var connection = new SqliteConnection(history.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = SqliteOff;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        else
        {
            await PostgresAsync(history, "DROP INDEX chat_messages_search;", cancellationToken);
        }
    }

    private static async Task PostgresAsync(ScratchHistory history, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(history.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
