using System.Text.RegularExpressions;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace Chat.Tests.Infrastructure;

/// <summary>What the tests do with a server process (<see cref="ChatProcess"/>, shared with the benchmark).</summary>
internal static class ChatProcessExtensions
{
    /// <summary>A started .NET client over the network, named <paramref name="user"/> (sign-in off).</summary>
    public static async Task<TestClient> ConnectAsync(this ChatProcess server, string user)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.Url, $"/hubs/chat?user={Uri.EscapeDataString(user)}"))
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .Build();
        var client = new TestClient(connection);
        await connection.StartAsync().DefaultTimeout();
        await client.OnlineUsersAsync();
        return client;
    }

    /// <summary>
    /// Waits until the server has logged dropping <paramref name="count"/> clients that stopped reading. (Its
    /// UserLeft is no signal: a dropped client that reconnects within the leave grace makes none.)
    /// </summary>
    public static async Task DroppedAsync(this ChatProcess server, int count = 1) =>
        await Eventually.Until(() => Regex.Count(server.Output, "Dropped connection") >= count, $"{count} client(s) dropped:\n{server.Output}");
}
