using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Chat.Server.History.Postgres;

/// <summary>
/// History in PostgreSQL, shared by every server process of a scale-out deployment. Writes that move counters take
/// turns on the id counter's row (<see cref="PostgresSql.LockCounter"/>), so ids increase in commit order across
/// processes. Its SQL is in <see cref="PostgresSql"/>, its schema in <see cref="PostgresSchema"/>; the messages and the
/// conversations are in the two other parts of this class.
/// </summary>
public sealed partial class PostgresStore : IHistoryStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlConnectionStringBuilder _settings;
    private readonly string _checkConnectionString;
    private readonly Retention _retention;

    public PostgresStore(string connectionString, Retention retention)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _settings = new NpgsqlConnectionStringBuilder(connectionString);
        _retention = retention;

        // Readiness must answer within seconds when PostgreSQL is gone, and not from a pooled connection.
        _checkConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3, CommandTimeout = 3 }.ConnectionString;
    }

    /// <summary>Where the history is, for the start-up log (no password).</summary>
    public string Description => $"PostgreSQL database {_settings.Database} at {_settings.Host}:{_settings.Port}";

    /// <summary>
    /// Creates the tables, or upgrades those of an earlier release in place (<see cref="PostgresSchema"/>). A database that
    /// does not exist yet is created when the role may (CREATE DATABASE); otherwise, and when PostgreSQL cannot be reached,
    /// start-up stops with one line that says what to do.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await MigrateAsync(cancellationToken);
        }
        catch (PostgresException missing) when (missing.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            await CreateDatabaseAsync(cancellationToken);
            await MigrateAsync(cancellationToken);
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

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(_checkConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var query = new NpgsqlCommand(PostgresSql.Check, connection);
        await query.ExecuteScalarAsync(cancellationToken);
    }

    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        await using var touch = _dataSource.CreateCommand(PostgresSql.Probe);
        touch.Parameters.Add(new NpgsqlParameter<byte[]> { TypedValue = System.Security.Cryptography.RandomNumberGenerator.GetBytes(IStoreProbes.ProbeBytes) });
        await touch.ExecuteNonQueryAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    /// <summary>Applies the migrations after the database's version, and records the last, in one transaction under the start-up lock (<see cref="PostgresSchema.Prepare"/>).</summary>
    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var prepare = new NpgsqlCommand(PostgresSchema.Prepare, connection, transaction))
        {
            await prepare.ExecuteNonQueryAsync(cancellationToken);
        }

        int from;
        await using (var version = new NpgsqlCommand(PostgresSchema.Version, connection, transaction))
        {
            from = (int)(await version.ExecuteScalarAsync(cancellationToken))!;
        }

        if (from > PostgresSchema.Migrations.Length)
        {
            // A newer release may keep what this one does not know of: writing to its schema could leave it inconsistent.
            throw new Configuration.StartupException(
                $"the PostgreSQL database {_settings.Database} has schema version {from}, written by a newer release of Chat; this one knows versions up to {PostgresSchema.Migrations.Length}. Run the newer release.");
        }

        if (from < PostgresSchema.Migrations.Length)
        {
            // Without parameters, so that Npgsql sends the migrations' statements one by one.
            string[] steps = [.. PostgresSchema.Migrations.Skip(from), PostgresSchema.SetVersion(PostgresSchema.Migrations.Length)];
            await using var migrate = new NpgsqlCommand(string.Join('\n', steps), connection, transaction);
            await migrate.ExecuteNonQueryAsync(cancellationToken);
        }

        if (from < PostgresSchema.UsersStep)
        {
            await FillUsersAsync(connection, transaction, cancellationToken);
        }

        if (from < PostgresSchema.SearchStep)
        {
            await FillSearchAsync(connection, transaction, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>chat_users, made by <see cref="PostgresSchema.UsersStep"/>, filled from who posted or is in a conversation.</summary>
    private static async Task FillUsersAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var users = new List<string>();
        await using (var every = new NpgsqlCommand(PostgresSql.EveryUser, connection, transaction))
        await using (var reader = await every.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                users.Add(reader.GetString(0));
            }
        }

        await using var seen = new NpgsqlCommand(PostgresSql.Seen, connection, transaction);
        seen.Parameters.Add(Parameter(users.Select(user => (string?)Rules.Mentions.Key(user)).ToArray()));
        seen.Parameters.Add(Parameter(users.Select(user => (string?)user).ToArray()));
        await seen.ExecuteNonQueryAsync(cancellationToken);
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

    /// <summary>
    /// A write in one transaction and one round trip: <paramref name="locks"/> (statements without parameters) first, then
    /// <paramref name="commands"/>, whose results <paramref name="read"/> reads from the first on; then the commit.
    /// </summary>
    private async Task<T> WriteAsync<T>(
        string[] locks, NpgsqlBatchCommand[] commands, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var sql in locks)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        }

        foreach (var command in commands)
        {
            batch.BatchCommands.Add(command);
        }

        T result;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            foreach (var _ in locks)
            {
                await reader.NextResultAsync(cancellationToken);
            }

            result = await read(reader, cancellationToken);

            // Reading every result surfaces an error in a later statement before we commit.
            while (await reader.NextResultAsync(cancellationToken))
            {
            }
        }

        await CommitAsync(transaction, cancellationToken);
        return result;
    }

    /// <summary>Commits; a COMMIT whose answer is lost is <see cref="CommitOutcomeUnknownException"/>.</summary>
    private static async Task CommitAsync(NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not PostgresException && exception is NpgsqlException or IOException or TimeoutException or OperationCanceledException)
        {
            // The COMMIT may have reached the server before the connection broke.
            throw new CommitOutcomeUnknownException(exception);
        }
    }

    /// <summary>A statement of a batch with its positional parameters (strings, longs, ints, UTC times, string arrays).</summary>
    private static NpgsqlBatchCommand Command(string sql, params object?[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(Parameter(value));
        }

        return command;
    }

    /// <summary>A read on a pooled connection: <paramref name="sql"/> with its positional <paramref name="parameters"/>.</summary>
    private async Task<T> ReadAsync<T>(string sql, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var query = _dataSource.CreateCommand(sql);
        foreach (var value in parameters)
        {
            query.Parameters.Add(Parameter(value));
        }

        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await read(reader, cancellationToken);
    }

    /// <summary>A text parameter that may be null.</summary>
    private static NpgsqlParameter<string?> Nullable(string? text) => new NpgsqlParameter<string?> { TypedValue = text, NpgsqlDbType = NpgsqlDbType.Text };

    /// <summary>A UTC time parameter that may be null.</summary>
    private static NpgsqlParameter<DateTime?> Nullable(DateTime? time) =>
        new NpgsqlParameter<DateTime?> { TypedValue = time is { } value ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : null, NpgsqlDbType = NpgsqlDbType.TimestampTz };

    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        NpgsqlParameter ready => ready,
        string text => new NpgsqlParameter<string> { TypedValue = text },
        long number => new NpgsqlParameter<long> { TypedValue = number },
        int number => new NpgsqlParameter<int> { TypedValue = number },
        bool flag => new NpgsqlParameter<bool> { TypedValue = flag },
        DateTime time => new NpgsqlParameter<DateTime> { TypedValue = DateTime.SpecifyKind(time, DateTimeKind.Utc), NpgsqlDbType = NpgsqlDbType.TimestampTz },
        string?[] texts => new NpgsqlParameter<string?[]> { TypedValue = texts, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
        long[] numbers => new NpgsqlParameter<long[]> { TypedValue = numbers },
        _ => throw new ArgumentException($"No parameter type for {value?.GetType().Name ?? "null"}.", nameof(value)),
    };

    private static async Task<List<ChatMessage>> MessagesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var messages = new List<ChatMessage>();
        while (await reader.ReadAsync(cancellationToken))
        {
            messages.Add(Message(reader));
        }

        return messages;
    }

    private static async Task<string[]> StringsAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var values = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            values.Add(reader.GetString(0));
        }

        return [.. values];
    }

    /// <summary>A message from a row of <see cref="PostgresSql.Columns"/>.</summary>
    private static ChatMessage Message(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTime>(4))
        {
            ReplyTo = reader.IsDBNull(5) ? null : reader.GetInt64(5),
            Mentions = MessageChanges.ParseMentions(reader.IsDBNull(6) ? null : reader.GetString(6)),
            EditedAt = reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTime>(7),
            Deleted = reader.GetBoolean(8),
            Reactions = MessageChanges.ParseReactions(reader.IsDBNull(9) ? null : reader.GetString(9)),
            Version = reader.IsDBNull(10) ? null : reader.GetInt64(10),
            Files = MessageChanges.ParseFiles(reader.IsDBNull(11) ? null : reader.GetString(11)),
            Bot = !reader.IsDBNull(12) && reader.GetBoolean(12),
        };

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
