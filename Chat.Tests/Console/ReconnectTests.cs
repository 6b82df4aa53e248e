using Chat.Client.Console;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.ConsoleClient;

/// <summary>Reconnecting loses nothing: messages sent while the client was away are printed once, in order.</summary>
public class ReconnectTests
{
    [Fact]
    public async Task Messages_sent_while_disconnected_are_printed_once_in_order_after_reconnect()
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            var gate = new NegotiateGate();
            await using var first = await ServerProcess.StartAsync(database);
            var url = first.Url;
            await using var alice = await InteractiveRun.StartAsync(new ChatEndpoint(url, "alice"), gate.Configure);
            await using (var bob = await ConnectAsync(url, "bob"))
            {
                await bob.SendAsync("before the crash", "bob");
                await alice.Output.MessageAsync("bob: before the crash");
            }

            // The server dies; alice may not reconnect until bob has sent on the restarted one.
            gate.Close();
            await first.KillAsync();
            await alice.Output.LineAsync("* reconnecting...");
            await using var second = await ServerProcess.StartAsync(database, url.Port);
            await using (var bob = await ConnectAsync(url, "bob"))
            {
                for (var i = 1; i <= 3; i++)
                {
                    await bob.SendAsync($"missed {i}", "bob");
                }

                gate.Open();
                await alice.Output.LineAsync("* reconnected");
                await alice.Output.MessageAsync("bob: missed 3");
                await bob.SendAsync("after the reconnect", "bob");
                await alice.Output.MessageAsync("bob: after the reconnect");
            }

            var lines = alice.Output.Lines.ToList();
            lines.Where(line => line.StartsWith('[')).Select(line => line[8..]).Should().Equal(
                "bob: before the crash", "bob: missed 1", "bob: missed 2", "bob: missed 3", "bob: after the reconnect");
            lines.Should().ContainInOrder("* reconnecting...", "* reconnected");
            lines.IndexOf("* reconnected").Should().BeLessThan(lines.FindIndex(line => line.EndsWith("missed 1", StringComparison.Ordinal)));
            (await alice.EndAsync()).Should().Be(0);
        }
        finally
        {
            ChatApplication.DeleteDatabase(database);
        }
    }

    private static async Task<TestClient> ConnectAsync(Uri server, string user)
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(server, $"/hubs/chat?user={user}")).Build();
        var client = new TestClient(connection);
        await connection.StartAsync().DefaultTimeout();
        return client;
    }
}
