using Chat.Server.Accounts;
using Chat.Server.Api;
using Chat.Server.Configuration;
using Chat.Server.Delivery;
using Chat.Server.Files;
using Chat.Server.History;
using Chat.Server.Hubs;
using Chat.Server.Operations;
using Chat.Server.Presence;
using Chat.Server.Rooms;
using Chat.Server.ScaleOut;
using Chat.Server.Security;
using Chat.Server.Web;

// `token --user NAME` mints a token instead of starting the server
if (args is [TokenCommand.Name, .. var tokenArgs])
{
    return await TokenCommand.RunAsync(tokenArgs);
}

// `accounts add|invite|disable|enable|list` manages built-in accounts instead of starting the server
if (args is [AccountsCommand.Name, .. var accountArgs])
{
    return await AccountsCommand.RunAsync(accountArgs);
}

// `bots add|revoke|list` manages the server API's bots instead of starting the server
if (args is [Chat.Server.Api.BotsCommand.Name, .. var botArgs])
{
    return await Chat.Server.Api.BotsCommand.RunAsync(botArgs);
}

// Settings are read once, at start. Reloading them on change would watch the content root, where the
// SQLite history lives by default: every commit would wake the watcher (about 4 % of the CPU under load).
// A --hostBuilder:reloadConfigOnChange=true given by the user comes later and wins.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

// Logging that adds nothing to each idle connection (overridable by configuration)
builder.AddChatLoggingDefaults();

// Durable history: the store and its single group-commit writer
builder.AddChatHistory();

// Uploaded files: a folder or an S3 bucket, and their sweep
builder.AddChatFiles();

// Who is online
builder.AddChatPresence();

// Rooms and direct conversations: limits, and membership on this server
builder.AddChatRooms();

// The hub, its filters and limits
builder.AddChatHub();

// How messages leave the server: per-connection outboxes, in id order, never waiting for a client
builder.AddChatDelivery();

// Several nodes: Redis backplane and cluster-wide presence, when Chat:Redis is set
builder.AddChatScaleOut();

// Signed tokens and allowed origins
builder.AddChatSecurity();

// The server API for products and bots (/api/v1), its OpenAPI document, bot tokens and budgets
builder.AddChatApi();

// The browser client from the repository's wwwroot/
builder.UseChatWebRoot();

// Health, readiness and metrics
builder.AddChatOperations();

try
{
    var app = builder.Build();
    app.LogChatSetup();

    app.UseChatPage();
    app.UseChatSecurity();
    app.MapChatOperations();
    app.MapChat();
    app.MapChatAccounts();
    app.MapChatFiles();
    app.MapChatApi();

    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (StartupErrors.IsEnvironment(exception, out var line))
{
    // A busy port, a store or Redis out of reach: one line saying what and what to do, not a stack trace.
    Console.Error.WriteLine($"Start-up error: {line}");
    return 1;
}
catch (Exception exception) when (StartupErrors.IsConfiguration(exception, out var lines))
{
    // A bad setting stops the server with lines naming the key, not a stack trace.
    foreach (var line in lines)
    {
        Console.Error.WriteLine($"Configuration error: {line}");
    }

    return 1;
}

/// <summary>The server's entry point, visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
