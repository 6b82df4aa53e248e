using System.CommandLine;
using System.Globalization;
using System.Text;
using Chat.Server.Rules;

namespace Chat.Server.Security;

/// <summary>
/// <c>dotnet run --project Chat.Server -- token --user NAME [--admin] [--ttl 8h]</c>: prints a token signed
/// with the server's <c>Chat:Auth:SigningKey</c>, alone on the last line of standard output.
/// </summary>
internal static class TokenCommand
{
    public const string Name = "token";

    public static Task<int> RunAsync(string[] args)
    {
        var user = new Option<string>("--user") { Description = "The user name the token signs in as (1 to 32 characters).", Required = true };
        var admin = new Option<bool>("--admin") { Description = "Adds role admin, which may /clear the history." };
        var ttl = new Option<TimeSpan>("--ttl")
        {
            Description = "How long the token is valid: 90s, 30m, 8h, 7d (default 8h, at most 30d).",
            DefaultValueFactory = _ => TimeSpan.FromHours(8),
            CustomParser = result => ParseLifetime(result.Tokens.Single().Value, error => result.AddError(error)),
        };
        var command = new RootCommand(
            "Mints a Chat token. The signing key is the server's Chat:Auth:SigningKey, read like the server reads it: " +
            "appsettings.json, the environment (Chat__Auth__SigningKey) or --Chat:Auth:SigningKey KEY after the options.")
        {
            user, admin, ttl,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse => Mint(parse.GetValue(user)!, parse.GetValue(admin), parse.GetValue(ttl), [.. parse.UnmatchedTokens]));
        return command.Parse(args).InvokeAsync();
    }

    private static int Mint(string user, bool admin, TimeSpan lifetime, string[] configurationArgs)
    {
        var configuration = Host.CreateApplicationBuilder(configurationArgs).Configuration;
        var key = configuration["Chat:Auth:SigningKey"];
        if (string.IsNullOrEmpty(key))
        {
            return Fail("Chat:Auth:SigningKey is not set. Set it the way the server gets it, e.g. the environment variable Chat__Auth__SigningKey.");
        }

        if (Encoding.UTF8.GetByteCount(key) < AuthOptions.MinSigningKeyBytes)
        {
            return Fail($"Chat:Auth:SigningKey must be at least {AuthOptions.MinSigningKeyBytes} bytes long.");
        }

        try
        {
            user = UserNames.Normalize(user);
        }
        catch (InputRejectedException rejection)
        {
            return Fail(rejection.Message);
        }

        var expires = DateTime.UtcNow + lifetime;
        Console.Error.WriteLine($"Token for {user}{(admin ? " (admin)" : "")}, valid until {expires.ToString("u", CultureInfo.InvariantCulture)}:");
        Console.Out.WriteLine(ChatTokens.Create(key, user, admin, lifetime));
        return 0;
    }

    private static TimeSpan ParseLifetime(string text, Action<string> error)
    {
        var units = new Dictionary<char, TimeSpan> { ['s'] = TimeSpan.FromSeconds(1), ['m'] = TimeSpan.FromMinutes(1), ['h'] = TimeSpan.FromHours(1), ['d'] = TimeSpan.FromDays(1) };
        if (text.Length >= 2
            && units.TryGetValue(text[^1], out var unit)
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count > 0)
        {
            // Compared in seconds before multiplying: 99999999d is no TimeSpan at all.
            if (unit.TotalSeconds * count > ChatTokens.MaxLifetime.TotalSeconds)
            {
                error($"--ttl '{text}' is too long; a token lives at most {ChatTokens.MaxLifetime.TotalDays:0} days (--ttl {ChatTokens.MaxLifetime.TotalDays:0}d).");
                return default;
            }

            return unit * count;
        }

        error($"--ttl '{text}' is not a lifetime; write a positive number and a unit: 90s, 30m, 8h or 7d (at most {ChatTokens.MaxLifetime.TotalDays:0}d).");
        return default;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine($"error: {message}");
        return 1;
    }
}
