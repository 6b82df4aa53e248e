using Chat.Server.Api;
using Microsoft.Data.Sqlite;

namespace Chat.Server.History.Sqlite;

/// <summary>The server API's bots: names, token hashes and scopes (space-separated).</summary>
public sealed partial class SqliteStore
{
    public async Task<bool> AddBotAsync(string name, string tokenHash, IReadOnlyList<string> scopes, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var added = await ExecuteAsync(
            transaction, SqliteSql.AddBot, cancellationToken, ("$name", name), ("$hash", tokenHash), ("$scopes", string.Join(' ', scopes)), ("$now", now.Ticks));
        await transaction.CommitAsync(cancellationToken);
        return added == 1;
    }

    public async Task<bool> RevokeBotAsync(string name, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var revoked = await ExecuteAsync(transaction, SqliteSql.RevokeBot, cancellationToken, ("$name", name), ("$now", now.Ticks));
        await transaction.CommitAsync(cancellationToken);
        return revoked == 1;
    }

    public async Task<Bot?> BotByTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        (await ReadAsync(SqliteSql.BotByToken, BotsOfAsync, cancellationToken, ("$hash", tokenHash))).SingleOrDefault();

    public async Task<Bot[]> BotsAsync(CancellationToken cancellationToken) => [.. await ReadAsync(SqliteSql.Bots, BotsOfAsync, cancellationToken)];

    private static async Task<List<Bot>> BotsOfAsync(SqliteDataReader reader)
    {
        var bots = new List<Bot>();
        while (await reader.ReadAsync())
        {
            bots.Add(new Bot(reader.GetString(0), reader.GetString(1).Split(' ', StringSplitOptions.RemoveEmptyEntries), reader.GetBoolean(2)));
        }

        return bots;
    }
}
