using System.CommandLine;
using Chat.Server.Accounts;
using Chat.Server.History;

namespace Chat.Server.Api;

/// <summary>
/// <c>dotnet run --project Chat.Server -- bots add|revoke|list</c>: the server API's bots, managed on the server's own history
/// store (its settings read the way the server reads them), with the server running or not. A new bot's token is printed alone
/// on the last line of standard output, once; the store keeps only its hash.
/// </summary>
internal static class BotsCommand
{
    public const string Name = "bots";

    /// <summary>What every bot token starts with, so that it is told apart from a user's token at a glance (and by secret scanners).</summary>
    public const string TokenPrefix = "chatbot_";

    public static Task<int> RunAsync(string[] args)
    {
        var addName = new Argument<string>("name") { Description = "The bot's name, a user name (1 to 32 characters); its messages carry \"bot\": true." };
        var scopes = new Option<string>("--scopes")
        {
            Description = $"What the bot may do, comma-separated: {string.Join(", ", BotScopes.All)}.",
            Required = true,
        };
        var add = new Command("add", "Adds a bot and prints its token (shown only now).") { addName, scopes };
        add.SetAction((parse, token) => StoreCommand.RunAsync(parse, (store, now) => AddAsync(store, parse.GetValue(addName)!, parse.GetValue(scopes)!, now, token)));

        var revokeName = new Argument<string>("name") { Description = "The bot's name." };
        var revoke = new Command("revoke", "Revokes a bot's token: every request with it is refused (401) from now on.") { revokeName };
        revoke.SetAction((parse, token) => StoreCommand.RunAsync(parse, (store, now) => RevokeAsync(store, parse.GetValue(revokeName)!, now, token)));

        var list = new Command("list", "Lists the bots with their scopes.");
        list.SetAction((parse, token) => StoreCommand.RunAsync(parse, (store, _) => ListAsync(store, token)));

        var root = new RootCommand(
            "Manages the bots of Chat's server API (/api/v1) in the server's history store, read from the server's settings: " +
            "appsettings.json, the environment (ConnectionStrings__Chat) or --ConnectionStrings:Chat VALUE after the command.")
        {
            add, revoke, list,
        };
        foreach (var command in root.Subcommands)
        {
            command.TreatUnmatchedTokensAsErrors = false;
        }

        return root.Parse(args).InvokeAsync();
    }

    /// <summary>A new bot token: the prefix and 256 random bits.</summary>
    public static string NewToken() => TokenPrefix + Secrets.NewToken();

    private static async Task<int> AddAsync(IHistoryStore store, string name, string scopeList, DateTime now, CancellationToken cancellationToken)
    {
        if (PasswordRules.NameProblem(name, out var bot) is { } problem)
        {
            return Fail(problem);
        }

        var scopes = scopeList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
        if (scopes.Length == 0 || scopes.FirstOrDefault(scope => !BotScopes.All.Contains(scope)) is { } unknown && unknown.Length > 0)
        {
            return Fail($"--scopes takes one or more of {string.Join(", ", BotScopes.All)}, comma-separated; \"{scopeList}\" is not that.");
        }

        if (await store.AccountAsync(bot, cancellationToken) is not null)
        {
            return Fail($"There is an account called {bot}; a bot needs a name of its own.");
        }

        var token = NewToken();
        if (!await store.AddBotAsync(bot, Secrets.Hash(token), scopes, now, cancellationToken))
        {
            return Fail($"There is a bot called {bot} already (revoked bots keep their names).");
        }

        Console.Error.WriteLine($"Bot {bot} added with {string.Join(", ", scopes)}. Its token, for Authorization: Bearer (it is shown only now):");
        Console.Out.WriteLine(token);
        return 0;
    }

    private static async Task<int> RevokeAsync(IHistoryStore store, string name, DateTime now, CancellationToken cancellationToken)
    {
        if (PasswordRules.NameProblem(name, out var bot) is { } problem)
        {
            return Fail(problem);
        }

        if (!await store.RevokeBotAsync(bot, now, cancellationToken))
        {
            return Fail($"There is no bot called {bot} with a token in use.");
        }

        Console.Out.WriteLine($"Bot {bot} revoked: its token is refused from now on.");
        return 0;
    }

    private static async Task<int> ListAsync(IHistoryStore store, CancellationToken cancellationToken)
    {
        foreach (var bot in await store.BotsAsync(cancellationToken))
        {
            Console.Out.WriteLine($"{bot.Name} ({string.Join(", ", bot.Scopes)}){(bot.Revoked ? " revoked" : "")}");
        }

        return 0;
    }

    private static int Fail(string message) => StoreCommand.Fail(message);
}
