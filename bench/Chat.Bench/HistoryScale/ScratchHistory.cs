using Chat.Server.History;
using Chat.Server.History.Postgres;
using Chat.Server.History.Sqlite;
using Npgsql;

namespace Chat.Bench.HistoryScale;

/// <summary>
/// Where one measured history lives: a fresh SQLite file in a folder of its own, or a fresh database on a PostgreSQL
/// server (named after the given connection string's, which is only used to create and drop it); removed when disposed.
/// </summary>
internal sealed class ScratchHistory : IAsyncDisposable
{
    private readonly string? _folder;
    private readonly string? _admin;
    private readonly string? _database;

    private ScratchHistory(string backend, string connectionString, string? folder, string? admin, string? database)
    {
        Backend = backend;
        ConnectionString = connectionString;
        _folder = folder;
        _admin = admin;
        _database = database;
    }

    /// <summary>"SQLite" or "PostgreSQL", for the report.</summary>
    public string Backend { get; }

    public bool IsSqlite => _folder is not null;

    /// <summary>What Chat.Server is given as <c>ConnectionStrings:Chat</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>Left in place when disposed (to look at its query plans afterwards).</summary>
    public bool Keep { get; set; }

    public static ScratchHistory Sqlite()
    {
        var folder = Directory.CreateTempSubdirectory("chat-history-scale-").FullName;
        return new ScratchHistory("SQLite", $"Data Source={Path.Combine(folder, "history.db")}", folder, null, null);
    }

    /// <summary>Creates a new database on the server <paramref name="admin"/> points at, as its role.</summary>
    public static async Task<ScratchHistory> PostgresAsync(string admin, CancellationToken cancellationToken)
    {
        var database = $"chat_scale_{Guid.NewGuid():N}";
        await AdminAsync(admin, $"CREATE DATABASE {database};", cancellationToken);
        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        return new ScratchHistory("PostgreSQL", connectionString, null, admin, database);
    }

    /// <summary>The store class Chat.Server would open on it, for seeding it directly.</summary>
    public IHistoryStore Open(Retention retention) =>
        IsSqlite ? new SqliteStore(ConnectionString, retention) : new PostgresStore(ConnectionString, retention);

    /// <summary>Closes a store <see cref="Open"/> gave (SQLite's is disposable, PostgreSQL's asynchronously too).</summary>
    public static async ValueTask CloseAsync(IHistoryStore store)
    {
        switch (store)
        {
            case IAsyncDisposable disposable:
                await disposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Keep)
        {
            return;
        }

        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
        else
        {
            // FORCE: a server that was killed may leave connections the database server has not noticed yet.
            await AdminAsync(_admin!, $"DROP DATABASE IF EXISTS {_database} WITH (FORCE);", CancellationToken.None);
        }
    }

    private static async Task AdminAsync(string admin, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
