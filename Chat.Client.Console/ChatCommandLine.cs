using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using System.Globalization;
using Microsoft.AspNetCore.Http.Connections.Client;

namespace Chat.Client.Console;

/// <summary>The command line (SPEC sections 8 and 11): its options, their checks, and which mode runs.</summary>
internal static class ChatCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadArguments = 2;

    /// <summary>The most messages one <c>GetHistory</c> call may ask for.</summary>
    public const int MaxHistory = 500;

    /// <summary>
    /// Parses <paramref name="args"/> and runs the chosen mode; returns the exit code. <paramref name="transport"/>
    /// adjusts the connection's HTTP options (tests route it through an in-memory server).
    /// </summary>
    public static async Task<int> RunAsync(
        string[] args, Terminal terminal, Action<HttpConnectionOptions>? transport = null, CancellationToken cancellationToken = default)
    {
        var signIns = new SignIn.SignInStore();
        var url = new Option<Uri>("--url")
        {
            Description = "The Chat server's address.",
            HelpName = "URL",
            DefaultValueFactory = _ => new Uri("http://localhost:5000"),
            CustomParser = ParseServer,
        };
        var user = new Option<string>("--user") { HelpName = "NAME", Description = "Your name, 1 to 32 characters. Required, except with --history." };
        var token = new Option<string>("--token") { HelpName = "JWT", Description = "A JWT, for a server with authentication on." };
        var tokenFile = new Option<FileInfo>("--token-file")
        {
            HelpName = "PATH",
            Description = "A file holding the JWT, read again at every reconnect: replace the token in it before it expires and the client goes on.",
        };
        var send = new Option<string>("--send") { HelpName = "TEXT", Description = "Send this one message, wait until the server has stored it, and exit." };
        var history = new Option<int?>("--history")
        {
            HelpName = "N",
            Description = $"Print the last N messages (1 to {MaxHistory}), oldest first, and exit.",
            CustomParser = ParseHistoryCount,
        };

        var room = new Option<string>("--room")
        {
            HelpName = "NAME",
            Description = "With --send or --history: that room (dev or #dev), or direct conversation (@bob), instead of general. Join a room first (/join).",
        };
        var to = new Option<string>("--to") { HelpName = "USER", Description = "With --send: a direct message to this user." };

        var root = new RootCommand(
            "Chat console client: chat interactively, or send one message (--send), or print recent history (--history). " +
            "On a server with sign-in, sign in first with: login --url URL")
        {
            url, user, token, tokenFile, send, history, room, to,
        };

        // login / logout: keep (or forget) a sign-in for a server; the other modes then use it.
        foreach (var (name, description, run) in new (string, string, Func<Uri, Task<int>>)[]
        {
            ("login", "Signs in to the server (its accounts, or its single sign-on through a code shown here) and keeps the sign-in for the next runs.",
                server => SignIn.LoginCommand.LoginAsync(server, terminal, signIns, cancellationToken)),
            ("logout", "Signs out of the server and forgets the kept sign-in.", server => SignIn.LoginCommand.LogoutAsync(server, terminal, signIns, cancellationToken)),
        })
        {
            var serverOption = new Option<Uri>("--url") { Description = "The Chat server's address.", HelpName = "URL", DefaultValueFactory = _ => new Uri("http://localhost:5000"), CustomParser = ParseServer };
            var command = new Command(name, description) { serverOption };
            command.SetAction(async (parse, cancel) =>
            {
                try
                {
                    return await run(parse.GetValue(serverOption)!);
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
                {
                    terminal.Error.WriteLine($"error: {ErrorText.Describe(error, parse.GetValue(serverOption)!, null)}");
                    return Failure;
                }
            });
            root.Subcommands.Add(command);
        }
        root.Validators.Add(result =>
        {
            if (result.GetResult(send) is not null && result.GetResult(history) is not null)
            {
                result.AddError("Use either --send or --history, not both.");
            }
            else if (result.GetResult(token) is not null && result.GetResult(tokenFile) is not null)
            {
                result.AddError("Use either --token or --token-file, not both.");
            }
            else if (result.GetValue(tokenFile) is { Exists: false } missing)
            {
                result.AddError($"The token file {missing.FullName} does not exist.");
            }
            else if (result.GetResult(history) is null && result.GetResult(user) is null && result.GetResult(token) is null && result.GetResult(tokenFile) is null
                && signIns.Find(result.GetValue(url) ?? new Uri("http://localhost:5000")) is null)
            {
                result.AddError("Option '--user' is required (except with --history, or when signed in to the server: login --url URL).");
            }
            else if (result.GetResult(room) is not null && result.GetResult(to) is not null)
            {
                result.AddError("Use either --room or --to, not both.");
            }
            else if (result.GetResult(room) is not null && result.GetResult(send) is null && result.GetResult(history) is null)
            {
                result.AddError("--room goes with --send or --history.");
            }
            else if (result.GetResult(to) is not null && result.GetResult(send) is null)
            {
                result.AddError("--to goes with --send.");
            }
        });

        root.SetAction(async (parse, cancel) =>
        {
            var server = parse.GetValue(url)!;
            var endpoint = new ChatEndpoint(server, parse.GetValue(user), parse.GetValue(token), parse.GetValue(tokenFile)?.FullName);
            if (!endpoint.HasToken && signIns.Find(server) is { } signIn)
            {
                // Signed in with login: its tokens, renewed as they run out; the name is the token's.
                endpoint = endpoint with { User = endpoint.User ?? signIn.User, SignIn = signIn };
            }

            var conversation = parse.GetValue(to) is { } peer ? Conversations.Direct(peer)
                : parse.GetValue(room) is { } name ? Conversations.Parse(name)
                : null;
            return await RunModeAsync(endpoint, parse.GetValue(send), parse.GetValue(history), conversation, terminal, transport, cancel);
        });

        // No response files: "--room @bob" names a direct conversation, not a file of arguments.
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Action is ParseErrorAction)
        {
            // One line, not System.CommandLine's errors followed by the whole help text.
            terminal.Error.WriteLine($"error: {parsed.Errors[0].Message} See --help.");
            return BadArguments;
        }

        var invocation = new InvocationConfiguration
        {
            Output = terminal.Output,
            Error = terminal.Error,
            ProcessTerminationTimeout = terminal.IsConsole ? TimeSpan.FromSeconds(2) : null,
        };
        return await parsed.InvokeAsync(invocation, cancellationToken);
    }

    private static Uri? ParseServer(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var server) && (server.Scheme == Uri.UriSchemeHttp || server.Scheme == Uri.UriSchemeHttps))
        {
            return server;
        }

        result.AddError($"--url must be an absolute http:// or https:// address, such as http://localhost:5000, not '{text}'.");
        return null;
    }

    private static int? ParseHistoryCount(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 1 and <= MaxHistory)
        {
            return count;
        }

        result.AddError($"--history takes a number from 1 to {MaxHistory}, not '{text}'.");
        return null;
    }

    /// <param name="conversation">From <c>--room</c> or <c>--to</c>: the conversation <c>--send</c> and <c>--history</c> use instead of general.</param>
    private static async Task<int> RunModeAsync(
        ChatEndpoint endpoint, string? send, int? history, string? conversation, Terminal terminal, Action<HttpConnectionOptions>? transport,
        CancellationToken cancellationToken)
    {
        try
        {
            if (history is { } count)
            {
                await ScriptedChat.PrintHistoryAsync(endpoint, count, conversation, terminal, transport, cancellationToken);
                return Success;
            }

            if (send is not null)
            {
                await ScriptedChat.SendAsync(endpoint, send, conversation, terminal.Output, transport, cancellationToken);
                return Success;
            }

            var interactive = terminal.IsInteractive
                ? new InteractiveChat(Spectre.Console.AnsiConsole.Console, terminal.Names, terminal.Clock)
                : new InteractiveChat(terminal.Input, terminal.Output, terminal.Clock);
            return await interactive.RunAsync(endpoint, transport, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            terminal.Error.WriteLine("error: interrupted before the server answered.");
            return Failure;
        }
        catch (Exception error)
        {
            // Every failure is one line a user can act on; never a stack trace.
            terminal.Error.WriteLine($"error: {ErrorText.Describe(error, endpoint.Server, endpoint)}");
            return Failure;
        }
    }
}
