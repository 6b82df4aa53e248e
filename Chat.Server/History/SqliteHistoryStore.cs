using System.Numerics;
using Microsoft.Data.Sqlite;

namespace Chat.Server.History;

/// <summary>History in an embedded SQLite file (WAL). One open connection writes; reads use pooled connections.</summary>
public sealed class SqliteHistoryStore(string connectionString, int maxMessages) : IHistoryStore, IDisposable
{
    private const string Schema = """
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

    // Unpooled and never creating the file: a pooled connection would keep answering from a file that is gone.
    private readonly string _checkConnectionString =
        new SqliteConnectionStringBuilder(connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString();

    /// <summary>Most rows in one INSERT statement.</summary>
    private const int MaxRowsPerInsert = 64;

    // Up to 1/16 more than maxMessages (at most 64 rows) may wait for the next trim.
    private readonly long _trimStep = Math.Clamp(maxMessages / 16, 1, 64);
    private long _trimmedThrough; // ids up to here are known deleted; only the writer touches it

    private readonly SqliteCommand?[] _inserts = new SqliteCommand?[BitOperations.Log2(MaxRowsPerInsert) + 1];
    private SqliteConnection? _writer;

    public string ConnectionString { get; } = connectionString;

    /// <summary>Where the history is, for the start-up log.</summary>
    public string Description => $"SQLite file {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var writer = new SqliteConnection(ConnectionString);
        await writer.OpenAsync(cancellationToken);
        await using (var command = writer.CreateCommand())
        {
            command.CommandText = Schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        // FULL makes each commit durable on disk before it is acked; group commit pays it once per batch.
        await using (var command = writer.CreateCommand())
        {
            command.CommandText = "PRAGMA synchronous = FULL;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        _writer = writer;
    }

    public async Task<ChatMessage[]> AppendOldAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken)
    {
        var connection = _writer ?? throw new InvalidOperationException("The history store is not initialized.");
        var stored = new ChatMessage[batch.Count];

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);

        // Rows go in with one statement per chunk of up to MaxRowsPerInsert; sizes are powers of two so
        // that a few prepared statements serve every batch.
        var ids = new List<long>(batch.Count);
        for (var offset = 0; offset < batch.Count;)
        {
            var rows = Math.Min(MaxRowsPerInsert, 1 << BitOperations.Log2((uint)(batch.Count - offset)));
            var insert = InsertCommand(connection, rows);
            insert.Transaction = transaction;
            for (var i = 0; i < rows; i++)
            {
                insert.Parameters[2 * i].Value = batch[offset + i].User;
                insert.Parameters[(2 * i) + 1].Value = batch[offset + i].Text;
            }

            insert.Parameters[2 * rows].Value = sentAt.Ticks;
            var first = ids.Count;
            await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    ids.Add(reader.GetInt64(0));
                }
            }

            // Rows are inserted in VALUES order with increasing ids; RETURNING may list them in any order.
            ids.Sort(first, rows, comparer: null);
            offset += rows;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            stored[i] = new ChatMessage(ids[i], Rooms.Conversation.General, batch[i].User, batch[i].Text, sentAt);
        }

        // Retention in steps: deleting on every commit would rewrite the oldest page each time.
        var expired = stored[^1].Id - maxMessages;
        var trim = expired - _trimmedThrough >= _trimStep;
        if (trim)
        {
            await using var retain = connection.CreateCommand();
            retain.Transaction = transaction;
            retain.CommandText = "DELETE FROM messages WHERE id <= $expired;";
            retain.Parameters.AddWithValue("$expired", expired);
            await retain.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (trim)
        {
            _trimmedThrough = expired;
        }

        return stored;
    }

    /// <summary>The prepared insert of <paramref name="rows"/> rows (a power of two): parameters $u0, $t0, $u1, $t1, ..., then $sentAt.</summary>
    private SqliteCommand InsertCommand(SqliteConnection connection, int rows)
    {
        var slot = BitOperations.Log2((uint)rows);
        if (_inserts[slot] is { } cached)
        {
            return cached;
        }

        var insert = connection.CreateCommand();
        var values = string.Join(", ", Enumerable.Range(0, rows).Select(i => $"($u{i}, $t{i}, $sentAt)"));
        insert.CommandText = $"INSERT INTO messages (user, text, sent_at) VALUES {values} RETURNING id;";
        for (var i = 0; i < rows; i++)
        {
            insert.Parameters.Add($"$u{i}", SqliteType.Text);
            insert.Parameters.Add($"$t{i}", SqliteType.Text);
        }

        insert.Parameters.Add("$sentAt", SqliteType.Integer);
        insert.Prepare();
        return _inserts[slot] = insert;
    }

    public async Task<ChatMessage[]> GetAsync(string room, long? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = afterId is null
            ? "SELECT id, user, text, sent_at FROM (SELECT * FROM messages ORDER BY id DESC LIMIT $limit) ORDER BY id;"
            : "SELECT id, user, text, sent_at FROM messages WHERE id > $afterId ORDER BY id LIMIT $limit;";
        query.Parameters.AddWithValue("$limit", limit);
        query.Parameters.AddWithValue("$afterId", afterId ?? 0);

        var messages = new List<ChatMessage>(Math.Min(limit, 128));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new ChatMessage(
                reader.GetInt64(0),
                Rooms.Conversation.General,
                reader.GetString(1),
                reader.GetString(2),
                new DateTime(reader.GetInt64(3), DateTimeKind.Utc)));
        }

        return [.. messages];
    }

    public Task<ChatMessage[]> GetAllAsync(long afterId, int limit, CancellationToken cancellationToken) => GetAsync(Rooms.Conversation.General, afterId, limit, cancellationToken);

    public async Task<Appended[]> AppendAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken) =>
        [.. (await AppendOldAsync(batch, sentAt, cancellationToken)).Select(message => new Appended(message, true))];

    public Task<ChatMessage[]> GetMissedAsync(string user, long? afterId, int limit, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<JoinOutcome> JoinAsync(string user, string room, int maxPerUser, int maxRooms, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> LeaveAsync(string user, string room, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<string[]> ConversationsOfAsync(string user, CancellationToken cancellationToken) => Task.FromResult<string[]>([]);

    public Task<string[]> MembersAsync(string room, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<RoomListing[]> ListRoomsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<RoomSummary[]> SummariesAsync(string user, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<long[]> MarkReadAsync(IReadOnlyList<ReadMark> marks, CancellationToken cancellationToken) => throw new NotImplementedException();

    public async Task<long> LastIdAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();

        // AUTOINCREMENT keeps the highest id ever given in sqlite_sequence, even after /clear.
        query.CommandText = "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'messages'), 0);";
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_checkConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT count(*) FROM (SELECT 1 FROM messages LIMIT 1);";
        await query.ExecuteScalarAsync(cancellationToken);
    }

    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        var connection = _writer ?? throw new InvalidOperationException("The history store is not initialized.");
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var touch = connection.CreateCommand())
        {
            // Random bytes, so that every page of them goes to the write-ahead log and is synced, as in a commit.
            touch.Transaction = transaction;
            touch.CommandText = "INSERT OR REPLACE INTO probe (id, data) VALUES (1, randomblob($bytes));";
            touch.Parameters.AddWithValue("$bytes", IHistoryStore.ProbeBytes);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ClearAsync(string room, CancellationToken cancellationToken)
    {
        var connection = _writer ?? throw new InvalidOperationException("The history store is not initialized.");
        await using var command = connection.CreateCommand();

        // AUTOINCREMENT keeps the highest id in sqlite_sequence, so ids are not reused after this.
        command.CommandText = "DELETE FROM messages;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose()
    {
        foreach (var insert in _inserts)
        {
            insert?.Dispose();
        }

        _writer?.Dispose();
        _writer = null;
        SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
    }
}
