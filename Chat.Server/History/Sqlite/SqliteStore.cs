using Microsoft.Data.Sqlite;

namespace Chat.Server.History.Sqlite;

/// <summary>
/// History in an embedded SQLite file (WAL, every commit synced). One open connection writes (the writer's turn, so
/// nothing else writes at once); reads use pooled connections, at most <see cref="Readers"/> at once. Its SQL is in
/// <see cref="SqliteSql"/>, its schema in <see cref="SqliteSchema"/>; the messages and the conversations are in the two
/// other parts of this class.
/// </summary>
public sealed partial class SqliteStore(string connectionString, Retention retention) : IHistoryStore, IDisposable
{
    // Unpooled and never creating the file: a pooled connection would keep answering from a file that is gone.
    private readonly string _checkConnectionString =
        new SqliteConnectionStringBuilder(connectionString) { Pooling = false, Mode = SqliteOpenMode.ReadWrite }.ToString();

    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    // Microsoft.Data.Sqlite runs its async methods synchronously (SQLite has no asynchronous I/O): a read holds its
    // thread-pool thread until it is done. Reads wait their turn here without a thread, so that a flood of large reads
    // (catch-ups of 500 long messages) cannot hold every pool thread while sends and acks wait for one.
    private readonly SemaphoreSlim _readers = new(Readers, Readers);
    private SqliteConnection? _writer;

    /// <summary>Reads run at once: half the processors, at least one; the other threads serve everything else.</summary>
    public static int Readers { get; } = Math.Max(1, Environment.ProcessorCount / 2);

    public string ConnectionString { get; } = connectionString;

    /// <summary>Where the history is, for the start-up log.</summary>
    public string Description => $"SQLite file {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";

    private SqliteConnection Writer => _writer ?? throw new InvalidOperationException("The history store is not initialized.");

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await OpenWriterAsync(cancellationToken);
        }
        catch (SqliteException failure)
        {
            // A file that cannot be opened, created or upgraded (no such folder, no permission, a full disk): one line, exit 1.
            throw new Configuration.StartupException(
                $"cannot open the SQLite history {new SqliteConnectionStringBuilder(ConnectionString).DataSource} (ConnectionStrings:Chat): {failure.Message}", failure);
        }
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(_checkConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = SqliteSql.Check;
        await query.ExecuteScalarAsync(cancellationToken);
    }

    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        await ExecuteAsync(transaction, SqliteSql.Probe, cancellationToken, ("$bytes", IStoreProbes.ProbeBytes));
        await transaction.CommitAsync(cancellationToken);
    }

    public void Dispose()
    {
        foreach (var command in _prepared.Values.Concat(_inserts.OfType<SqliteCommand>()))
        {
            command.Dispose();
        }

        _writer?.Dispose();
        _writer = null;
        _readers.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(ConnectionString));
    }

    private async Task OpenWriterAsync(CancellationToken cancellationToken)
    {
        var writer = new SqliteConnection(ConnectionString);
        await writer.OpenAsync(cancellationToken);
        await ExecuteAsync(writer, null, "PRAGMA journal_mode = WAL;", cancellationToken);

        // FULL makes each commit durable on disk before it is acked; group commit pays it once per batch.
        await ExecuteAsync(writer, null, "PRAGMA synchronous = FULL;", cancellationToken);

        // The upgrade is one transaction, begun IMMEDIATE so that two processes opening one file take turns.
        await using (var transaction = (SqliteTransaction)await writer.BeginTransactionAsync(cancellationToken))
        {
            await using var version = writer.CreateCommand();
            version.Transaction = transaction;
            version.CommandText = "PRAGMA user_version;";
            var from = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            for (var step = from; step < SqliteSchema.Migrations.Length; step++)
            {
                await ExecuteAsync(writer, transaction, SqliteSchema.Migrations[step], cancellationToken);
            }

            if (from < SqliteSchema.UsersStep)
            {
                await FillUsersAsync(writer, transaction, cancellationToken);
            }

            if (from < SqliteSchema.Migrations.Length)
            {
                await ExecuteAsync(writer, transaction, $"PRAGMA user_version = {SqliteSchema.Migrations.Length};", cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }

        _writer = writer;
    }

    /// <summary>The users table made by <see cref="SqliteSchema.UsersStep"/>, filled from who posted or is in a conversation.</summary>
    private static async Task FillUsersAsync(SqliteConnection writer, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var users = new List<string>();
        await using (var every = writer.CreateCommand())
        {
            every.Transaction = transaction;
            every.CommandText = SqliteSql.EveryUser;
            await using var reader = await every.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                users.Add(reader.GetString(0));
            }
        }

        await using var seen = writer.CreateCommand();
        seen.Transaction = transaction;
        seen.CommandText = SqliteSql.Seen;
        var key = seen.Parameters.Add("$key", SqliteType.Text);
        var name = seen.Parameters.Add("$name", SqliteType.Text);
        foreach (var user in users)
        {
            key.Value = Rules.Mentions.Key(user);
            name.Value = user;
            await seen.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private async Task<SqliteTransaction> BeginAsync(CancellationToken cancellationToken) =>
        (SqliteTransaction)await Writer.BeginTransactionAsync(cancellationToken);

    /// <summary>A statement of the writer's, prepared once and kept (its parameters are set anew at each use).</summary>
    private SqliteCommand Prepared(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        if (!_prepared.TryGetValue(sql, out var command))
        {
            command = Writer.CreateCommand();
            command.CommandText = sql;
            foreach (var (name, value) in parameters)
            {
                command.Parameters.Add(new SqliteParameter(name, value ?? DBNull.Value));
            }

            command.Prepare();
            _prepared[sql] = command;
        }

        command.Transaction = transaction;
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters[parameters[i].Name].Value = parameters[i].Value ?? DBNull.Value;
        }

        return command;
    }

    /// <summary>Runs a statement of the writer's in <paramref name="transaction"/>; returns the first column of its first row, or null.</summary>
    private async Task<object?> ScalarAsync(SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await Prepared(transaction, sql, parameters).ExecuteScalarAsync(cancellationToken);

    private async Task<int> ExecuteAsync(SqliteTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        await Prepared(transaction, sql, parameters).ExecuteNonQueryAsync(cancellationToken);

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="read"/> on a pooled connection of its own, once it is a read's turn.</summary>
    private async Task<T> ReadOnOwnConnectionAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await _readers.WaitAsync(cancellationToken);
        try
        {
            await using var connection = new SqliteConnection(ConnectionString);
            await connection.OpenAsync(cancellationToken);
            return await read(connection);
        }
        finally
        {
            _readers.Release();
        }
    }

    /// <summary>A read on a pooled connection of its own: <paramref name="sql"/> with <paramref name="parameters"/>.</summary>
    private Task<T> ReadAsync<T>(string sql, Func<SqliteDataReader, Task<T>> read, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters) =>
        ReadOnOwnConnectionAsync(
            async connection =>
            {
                await using var query = connection.CreateCommand();
                query.CommandText = sql;
                foreach (var (name, value) in parameters)
                {
                    query.Parameters.AddWithValue(name, value ?? DBNull.Value);
                }

                await using var reader = await query.ExecuteReaderAsync(cancellationToken);
                return await read(reader);
            },
            cancellationToken);

    private static async Task<List<ChatMessage>> MessagesAsync(SqliteDataReader reader)
    {
        var messages = new List<ChatMessage>();
        while (await reader.ReadAsync())
        {
            messages.Add(Message(reader));
        }

        return messages;
    }

    private static async Task<string[]> StringsAsync(SqliteDataReader reader)
    {
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return [.. values];
    }

    /// <summary>A message from a row of <see cref="SqliteSql.Columns"/>.</summary>
    private static ChatMessage Message(SqliteDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), new DateTime(reader.GetInt64(4), DateTimeKind.Utc))
        {
            ReplyTo = reader.IsDBNull(5) ? null : reader.GetInt64(5),
            Mentions = MessageChanges.ParseMentions(reader.IsDBNull(6) ? null : reader.GetString(6)),
            EditedAt = reader.IsDBNull(7) ? null : new DateTime(reader.GetInt64(7), DateTimeKind.Utc),
            Deleted = !reader.IsDBNull(8) && reader.GetBoolean(8),
            Reactions = MessageChanges.ParseReactions(reader.IsDBNull(9) ? null : reader.GetString(9)),
            Version = reader.IsDBNull(10) ? null : reader.GetInt64(10),
            Files = MessageChanges.ParseFiles(reader.IsDBNull(11) ? null : reader.GetString(11)),
            Bot = !reader.IsDBNull(12) && reader.GetBoolean(12),
        };

    /// <summary>
    /// Users a mention in general can name, written once per user (<see cref="_seen"/> remembers whom this process wrote,
    /// up to <see cref="SeenMemory"/> names, then starts over).
    /// </summary>
    private async Task SeenAsync(SqliteTransaction transaction, string user, CancellationToken cancellationToken)
    {
        if (_seen.Contains(user))
        {
            return;
        }

        await ExecuteAsync(transaction, SqliteSql.Seen, cancellationToken, ("$key", Rules.Mentions.Key(user)), ("$name", user));
        if (_seen.Count >= SeenMemory)
        {
            _seen.Clear();
        }

        _seen.Add(user);
    }

    private const int SeenMemory = 100_000;

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
}
