using System.CommandLine;
using System.Globalization;
using Chat.Server.History;

namespace Chat.Server.Accounts;

/// <summary>
/// <c>dotnet run --project Chat.Server -- accounts add|invite|disable|enable|list</c>: built-in accounts, managed on the
/// server's own history store (its settings read the way the server reads them), with the server running or not.
/// What a person must receive (a one-time password, an invite code) is printed alone on the last line of standard output.
/// </summary>
internal static class AccountsCommand
{
    public const string Name = "accounts";

    public static Task<int> RunAsync(string[] args)
    {
        var addName = new Argument<string>("name") { Description = "The user name (1 to 32 characters)." };
        var admin = new Option<bool>("--admin") { Description = "The account is an admin (may /clear, and make invites on the page)." };
        var add = new Command("add", "Creates an account and prints a one-time password, which must be changed at the first sign-in.") { addName, admin };
        add.SetAction((parse, token) => StoreCommand.RunAsync(parse, (store, now) => AddAsync(store, parse.GetValue(addName)!, parse.GetValue(admin), now, token)));

        var uses = new Option<int>("--uses") { Description = "How many registrations the code is good for (1 to 1000).", DefaultValueFactory = _ => 1 };
        var days = new Option<int>("--days") { Description = "How many days the code is good for (1 to 365).", DefaultValueFactory = _ => 7 };
        var invite = new Command("invite", "Prints an invite code for registering an account on the page.") { uses, days };
        uses.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--uses must be 1 to 1000.");
            }
        });
        days.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 365)
            {
                result.AddError("--days must be 1 to 365.");
            }
        });
        invite.SetAction((parse, token) => StoreCommand.RunAsync(parse, (store, now) => InviteAsync(store, parse.GetValue(uses), parse.GetValue(days), now, token)));

        var disableName = new Argument<string>("name") { Description = "The user name." };
        var disable = new Command("disable", "Disables an account: its sessions end and its connections close within seconds.") { disableName };
        disable.SetAction((parse, token) => StoreCommand.RunAsync(parse, (store, now) => SetDisabledAsync(store, parse.GetValue(disableName)!, true, now, token)));

        var enableName = new Argument<string>("name") { Description = "The user name." };
        var enable = new Command("enable", "Enables a disabled account again.") { enableName };
        enable.SetAction((parse, token) => StoreCommand.RunAsync(parse, (store, now) => SetDisabledAsync(store, parse.GetValue(enableName)!, false, now, token)));

        var list = new Command("list", "Lists the accounts.");
        list.SetAction((parse, token) => StoreCommand.RunAsync(parse, (store, _) => ListAsync(store, token)));

        var root = new RootCommand(
            "Manages Chat's built-in accounts (Chat:Auth:Accounts) in the server's history store, read from the server's settings: " +
            "appsettings.json, the environment (ConnectionStrings__Chat) or --ConnectionStrings:Chat VALUE after the command.")
        {
            add, invite, disable, enable, list,
        };
        foreach (var command in root.Subcommands)
        {
            command.TreatUnmatchedTokensAsErrors = false;
        }

        return root.Parse(args).InvokeAsync();
    }

    private static async Task<int> AddAsync(IHistoryStore store, string name, bool admin, DateTime now, CancellationToken cancellationToken)
    {
        if (PasswordRules.NameProblem(name, out var user) is { } problem)
        {
            return Fail(problem);
        }

        var password = Secrets.NewPassword();
        var account = new Account(user, AccountService.HashPassword(user, password), admin, Disabled: false, MustChangePassword: true);
        if (await store.CreateAccountAsync(account, inviteHash: null, now, cancellationToken) == RegisterOutcome.NameTaken)
        {
            return Fail($"There is an account called {user} already.");
        }

        Console.Error.WriteLine($"Account {user}{(admin ? " (admin)" : "")} created. Its one-time password, to be changed at the first sign-in:");
        Console.Out.WriteLine(password);
        return 0;
    }

    private static async Task<int> InviteAsync(IHistoryStore store, int uses, int days, DateTime now, CancellationToken cancellationToken)
    {
        var code = Secrets.NewCode();
        var expiresAt = now.AddDays(days);
        await store.CreateInviteAsync(Secrets.Hash(code), uses, expiresAt, now, cancellationToken);
        Console.Error.WriteLine(
            $"Invite code for {uses} registration{(uses == 1 ? "" : "s")}, valid until {expiresAt.ToString("u", CultureInfo.InvariantCulture)} (it is shown only now):");
        Console.Out.WriteLine(code);
        return 0;
    }

    private static async Task<int> SetDisabledAsync(IHistoryStore store, string name, bool disabled, DateTime now, CancellationToken cancellationToken)
    {
        if (PasswordRules.NameProblem(name, out var user) is { } problem)
        {
            return Fail(problem);
        }

        if (!await store.SetDisabledAsync(user, disabled, now, cancellationToken))
        {
            return Fail($"There is no account called {user}.");
        }

        Console.Out.WriteLine(disabled
            ? $"Account {user} disabled: its sessions are ended, and its connections close within seconds."
            : $"Account {user} enabled; it can sign in again.");
        return 0;
    }

    private static async Task<int> ListAsync(IHistoryStore store, CancellationToken cancellationToken)
    {
        foreach (var account in await store.AccountsAsync(cancellationToken))
        {
            var flags = new[] { account.Admin ? "admin" : null, account.Disabled ? "disabled" : null, account.MustChangePassword ? "must change password" : null }.OfType<string>();
            Console.Out.WriteLine(flags.Any() ? $"{account.Name} ({string.Join(", ", flags)})" : account.Name);
        }

        return 0;
    }

    private static int Fail(string message) => StoreCommand.Fail(message);
}
