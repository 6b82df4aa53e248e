using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Server.History;

/// <summary>
/// History in PostgreSQL, shared by every server process of a scale-out deployment. Ids come from a
/// one-row counter updated inside each batch's transaction: its row lock makes writers take turns
/// until commit, so ids increase in commit order across processes and a catching-up reader never
/// skips one (a sequence would not: a later id can commit first).
/// </summary>
public sealed class PostgresHistoryStore : IHistoryStore, IAsyncDisposable, IDisposable
{
    // CREATE TABLE IF NOT EXISTS still fails when two processes run it at once, so they take turns on
    // an advisory lock (any fixed number; advisory locks are per database) held until commit.
    private const string Schema = """
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

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnectionStringBuilder _settings;
    private readonly string _checkConnectionString;
    private readonly int _maxMessages;

    public PostgresHistoryStore(string connectionString, int maxMessages)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _settings = new NpgsqlConnectionStringBuilder(connectionString);
        _maxMessages = maxMessages;

        // Readiness must answer within seconds when PostgreSQL is gone, and not from a pooled connection.
        _checkConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3, CommandTimeout = 3 }.ConnectionString;
    }

    /// <summary>Where the history is, for the start-up log (no password).</summary>
    public string Description => $"PostgreSQL database {_settings.Database} at {_settings.Host}:{_settings.Port}";

    /// <summary>
    /// Creates the tables. A database that does not exist yet is created when the role may (CREATE DATABASE);
    /// otherwise, and when PostgreSQL cannot be reached, start-up stops with one line that says what to do.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CreateTablesAsync(cancellationToken);
        }
        catch (PostgresException missing) when (missing.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await CreateDatabaseAsync(cancellationToken);
            await CreateTablesAsync(cancellationToken);
        }
        catch (NpgsqlException unreachable) when (unreachable is not PostgresException)
        {
            throw new Configuration.StartupException(
                $"cannot reach PostgreSQL at {_settings.Host}:{_settings.Port} (ConnectionStrings:Chat): {Innermost(unreachable).Message}", unreachable);
        }
        catch (PostgresException refused) when (refused.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification)
        {
            throw new Configuration.StartupException(
                $"PostgreSQL at {_settings.Host}:{_settings.Port} refused role {_settings.Username}: {refused.MessageText}. Check the user name and password in ConnectionStrings:Chat.", refused);
        }
    }

    private async Task CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(_settings.ConnectionString) { Database = "postgres", Pooling = false };
        try
        {
            await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_settings.Database!.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException refused) when (refused.SqlState == PostgresErrorCodes.InsufficientPrivilege)
        {
            throw new Configuration.StartupException(
                $"the PostgreSQL database {_settings.Database} does not exist, and role {_settings.Username} may not create it. Create it once, as a role that may: createdb -h {_settings.Host} -p {_settings.Port} -O {_settings.Username} {_settings.Database}",
                refused);
        }
        catch (PostgresException raced) when (raced.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Another node created it first.
        }
    }

    private static Exception Innermost(Exception exception)
    {
        while (exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    private async Task CreateTablesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<ChatMessage[]> AppendOldAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return [];
        }

        var sent = DateTime.SpecifyKind(sentAt, DateTimeKind.Utc);
        var users = new string[batch.Count];
        var texts = new string[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            users[i] = Storable(batch[i].User);
            texts[i] = Storable(batch[i].Text);
        }

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One round trip: take the ids (the counter's row lock is held until commit), insert, apply retention.
        await using var commands = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("UPDATE chat_counter SET last_id = last_id + $1 RETURNING last_id;")
                {
                    Parameters = { new NpgsqlParameter<long> { TypedValue = batch.Count } },
                },
                new NpgsqlBatchCommand("""
                    INSERT INTO chat_messages (id, user_name, text, sent_at)
                    SELECT c.last_id - $1 + m.position, m.user_name, m.text, $4
                    FROM chat_counter c, unnest($2::text[], $3::text[]) WITH ORDINALITY AS m(user_name, text, position);
                    """)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<long> { TypedValue = batch.Count },
                        new NpgsqlParameter<string[]> { TypedValue = users },
                        new NpgsqlParameter<string[]> { TypedValue = texts },
                        new NpgsqlParameter<DateTime> { TypedValue = sent, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                    },
                },
                new NpgsqlBatchCommand("DELETE FROM chat_messages WHERE id <= (SELECT last_id FROM chat_counter) - $1;")
                {
                    Parameters = { new NpgsqlParameter<long> { TypedValue = _maxMessages } },
                },
            },
        };

        long lastId;
        await using (var reader = await commands.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            lastId = reader.GetInt64(0);

            // Reading every result surfaces an error in the insert or delete before we commit.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not PostgresException && exception is NpgsqlException or IOException or TimeoutException or OperationCanceledException)
        {
            // The COMMIT may have reached the server before the connection broke.
            throw new CommitOutcomeUnknownException(exception);
        }

        var stored = new ChatMessage[batch.Count];
        for (var i = 0; i < stored.Length; i++)
        {
            stored[i] = new ChatMessage(lastId - stored.Length + 1 + i, Rooms.Conversation.General, users[i], texts[i], sent);
        }

        return stored;
    }

    public async Task<ChatMessage[]> GetAsync(string room, long? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var query = _dataSource.CreateCommand(afterId is null
            ? "SELECT id, user_name, text, sent_at FROM (SELECT * FROM chat_messages ORDER BY id DESC LIMIT $1) latest ORDER BY id;"
            : "SELECT id, user_name, text, sent_at FROM chat_messages WHERE id > $2 ORDER BY id LIMIT $1;");
        query.Parameters.Add(new NpgsqlParameter<int> { TypedValue = limit });
        if (afterId is { } after)
        {
            query.Parameters.Add(new NpgsqlParameter<long> { TypedValue = after });
        }

        var messages = new List<ChatMessage>(Math.Min(limit, 128));
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(new ChatMessage(reader.GetInt64(0), Rooms.Conversation.General, reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTime>(3)));
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
        await using var query = _dataSource.CreateCommand("SELECT last_id FROM chat_counter;");
        return (long)(await query.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_checkConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand("SELECT 1 FROM chat_counter;", connection);
        await query.ExecuteScalarAsync(cancellationToken);
    }

    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        // Random bytes, which neither compression nor deduplication shrink.
        await using var touch = _dataSource.CreateCommand(
            "INSERT INTO chat_probe (id, data) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET data = excluded.data;");
        touch.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = System.Security.Cryptography.RandomNumberGenerator.GetBytes(IHistoryStore.ProbeBytes) });
        await touch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ClearAsync(string room, CancellationToken cancellationToken)
    {
        // The counter is left alone, so ids given out before are never given again.
        await using var command = _dataSource.CreateCommand("DELETE FROM chat_messages;");
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    /// <summary>
    /// PostgreSQL text holds neither U+0000 nor unpaired surrogates; such characters become U+FFFD
    /// so that one odd message does not fail the whole batch it is committed with.
    /// </summary>
    private static string Storable(string text)
    {
        var span = text.AsSpan();
        if (!span.Contains('\0') && !span.ContainsAnyInRange('\uD800', '\uDFFF'))
        {
            return text;
        }

        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text)).Replace('\0', '\uFFFD');
    }
}
