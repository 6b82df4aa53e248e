using System.Data.Common;
using Chat.Server.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Chat.Server.History;

internal static class HistoryExtensions
{
    public const string ConnectionStringName = "Chat";
    public const string DefaultConnectionString = "Data Source=chat.db";

    /// <summary>The history store chosen by <c>ConnectionStrings:Chat</c> and its single writer.</summary>
    public static IHostApplicationBuilder AddChatHistory(this IHostApplicationBuilder builder)
    {
        builder.AddChatOptions<HistoryOptions, HistoryOptionsValidator>(HistoryOptions.Section);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IHistoryStore>(services =>
        {
            var connectionString = ConnectionString(builder.Configuration);
            var retention = new Retention(services.GetRequiredService<IOptions<HistoryOptions>>().Value.MaxMessages);
            return IsPostgres(connectionString)
                ? new Postgres.PostgresStore(connectionString, retention)
                : new Sqlite.SqliteStore(ResolveSqlitePath(connectionString, builder.Environment.ContentRootPath), retention);
        });
        builder.Services.AddSingleton<HistoryWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<HistoryWriter>());
        builder.Services.AddSingleton<HistoryMaintenance>();
        builder.Services.AddHostedService(services => services.GetRequiredService<HistoryMaintenance>());
        return builder;
    }

    /// <summary><c>ConnectionStrings:Chat</c>, or the default SQLite file when it is not set.</summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } configured && !string.IsNullOrWhiteSpace(configured) ? configured : DefaultConnectionString;

    /// <summary>
    /// A connection string with a <c>Host</c> key (any case, e.g. <c>Host=db;Database=chat;Username=chat</c>)
    /// names a PostgreSQL server; anything else is a SQLite file.
    /// </summary>
    public static bool IsPostgres(string connectionString) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.ContainsKey("Host");

    /// <summary>A relative SQLite file is placed in the content root, wherever the server was started from.</summary>
    private static string ResolveSqlitePath(string connectionString, string contentRoot)
    {
        var parsed = new SqliteConnectionStringBuilder(connectionString);
        if (parsed.DataSource is { Length: > 0 } file && file != ":memory:" && !Path.IsPathRooted(file))
        {
            parsed.DataSource = Path.GetFullPath(Path.Combine(contentRoot, file));
        }

        return parsed.ToString();
    }
}
