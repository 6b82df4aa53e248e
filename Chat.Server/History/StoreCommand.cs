using System.CommandLine;

namespace Chat.Server.History;

/// <summary>
/// What the management commands (<c>accounts</c>, <c>bots</c>) share: the server's own history store, opened with the settings
/// the server reads (appsettings.json, the environment, and the command's unmatched <c>--Key value</c> tokens), and one
/// <c>error:</c> line on failure.
/// </summary>
internal static class StoreCommand
{
    /// <summary>Opens the store (upgrading its schema as the server would) and runs <paramref name="action"/> on it with the time now.</summary>
    public static async Task<int> RunAsync(ParseResult parse, Func<IHistoryStore, DateTime, Task<int>> action)
    {
        var builder = Host.CreateApplicationBuilder([.. parse.UnmatchedTokens]);
        builder.Logging.ClearProviders();
        builder.AddChatHistory();
        using var host = builder.Build();
        var store = host.Services.GetRequiredService<IHistoryStore>();
        try
        {
            await store.InitializeAsync(CancellationToken.None);
        }
        catch (Configuration.StartupException failure)
        {
            return Fail(failure.Message);
        }

        return await action(store, DateTime.UtcNow);
    }

    public static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
