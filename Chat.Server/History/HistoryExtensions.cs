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
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IHistoryStore>(services =>
        {
            var configured = builder.Configuration.GetConnectionString(ConnectionStringName);
            var connectionString = ResolveSqlitePath(
                string.IsNullOrWhiteSpace(configured) ? DefaultConnectionString : configured,
                builder.Environment.ContentRootPath);
            var options = services.GetRequiredService<IOptions<ChatOptions>>().Value;
            return new SqliteHistoryStore(connectionString, options.History.MaxMessages);
        });
        builder.Services.AddSingleton<HistoryWriter>();
        builder.Services.AddHostedService(services => services.GetRequiredService<HistoryWriter>());
        return builder;
    }

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
