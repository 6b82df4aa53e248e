using Chat.Server.Api;
using Npgsql;

namespace Chat.Server.History.Postgres;

/// <summary>The server API's bots: names, token hashes and scopes (space-separated).</summary>
public sealed partial class PostgresStore
{
    public async Task<bool> AddBotAsync(string name, string tokenHash, IReadOnlyList<string> scopes, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(PostgresSql.AddBot);
        command.Parameters.Add(Parameter(name));
        command.Parameters.Add(Parameter(tokenHash));
        command.Parameters.Add(Parameter(string.Join(' ', scopes)));
        command.Parameters.Add(Parameter(now));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> RevokeBotAsync(string name, DateTime now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(PostgresSql.RevokeBot);
        command.Parameters.Add(Parameter(name));
        command.Parameters.Add(Parameter(now));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<Bot?> BotByTokenAsync(string tokenHash, CancellationToken cancellationToken) =>
        (await ReadAsync(PostgresSql.BotByToken, BotsOfAsync, cancellationToken, tokenHash)).SingleOrDefault();

    public async Task<Bot[]> BotsAsync(CancellationToken cancellationToken) => [.. await ReadAsync(PostgresSql.Bots, BotsOfAsync, cancellationToken)];

    private static async Task<List<Bot>> BotsOfAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var bots = new List<Bot>();
        while (await reader.ReadAsync(cancellationToken))
        {
            bots.Add(new Bot(reader.GetString(0), reader.GetString(1).Split(' ', StringSplitOptions.RemoveEmptyEntries), reader.GetBoolean(2)));
        }

        return bots;
    }
}
