using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>A real Chat.Server process on its own SQLite file, which a test can kill and start again on the same port.</summary>
internal sealed class RunningChat : IAsyncDisposable
{
    private readonly string[] _arguments;

    private RunningChat(string databasePath, string[] arguments)
    {
        DatabasePath = databasePath;
        _arguments = arguments;
    }

    public string DatabasePath { get; }

    public ServerProcess Server { get; private set; } = null!;

    public Uri Url => Server.Url;

    /// <summary>
    /// Waits until the server has logged dropping <paramref name="count"/> clients that stopped reading. (Its
    /// UserLeft is no signal: a dropped client that reconnects within the leave grace makes none.)
    /// </summary>
    public async Task DroppedAsync(int count = 1) =>
        await Eventually.Until(() => Regex.Count(Server.Output, "Dropped connection") >= count, $"{count} client(s) dropped:\n{Server.Output}");

    public static Task<RunningChat> StartAsync(params string[] arguments) => StartOnAsync(ChatApplication.NewDatabasePath(), arguments);

    /// <summary>A server whose SQLite history is the file <paramref name="databasePath"/>.</summary>
    public static async Task<RunningChat> StartOnAsync(string databasePath, params string[] arguments)
    {
        var chat = new RunningChat(databasePath, arguments);
        chat.Server = await ServerProcess.StartAsync(chat.DatabasePath, 0, arguments);
        return chat;
    }

    /// <summary>SIGKILL, then a new process on the same port and file.</summary>
    public async Task KillAsync() => await Server.KillAsync();

    /// <summary>SIGTERM, as a deployment does, then a new process on the same port and file once it has exited.</summary>
    public async Task RestartGracefullyAsync()
    {
        var port = Url.Port;
        Server.Terminate();
        await Server.WaitForExitAsync(TimeSpan.FromSeconds(45));
        await Server.DisposeAsync();
        Server = await ServerProcess.StartAsync(DatabasePath, port, _arguments);
    }

    public async Task RestartAsync()
    {
        var port = Url.Port;
        await Server.DisposeAsync();
        Server = await ServerProcess.StartAsync(DatabasePath, port, _arguments);
    }

    /// <summary>A started .NET client over the network.</summary>
    public async Task<TestClient> ConnectAsync(string user)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(Url, $"/hubs/chat?user={Uri.EscapeDataString(user)}"))
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        var client = new TestClient(connection);
        await connection.StartAsync().DefaultTimeout();
        await client.OnlineUsersAsync();
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        ChatApplication.DeleteDatabase(DatabasePath);
    }
}
