using Chat.Testing;
using Chat.Client.Console;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// Reconnecting loses nothing: messages sent and changed while the client was away, in any of its conversations, are
/// printed once, in position order, and a line typed meanwhile is sent once it is back.
/// </summary>
public class ReconnectTests
{
    [Fact]
    public async Task Messages_sent_while_disconnected_are_printed_once_in_order_after_reconnect()
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            var gate = new NegotiateGate();
            await using var first = await ChatProcess.StartOnAsync(database);
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
            await using var second = await ChatProcess.StartAsync(new ChatProcessOptions { DatabasePath = database, Port = url.Port });
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

    [Fact]
    public async Task After_a_restart_it_prints_what_it_missed_in_general_a_joined_room_and_a_direct_conversation_once()
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            var gate = new NegotiateGate();
            await using var first = await ChatProcess.StartOnAsync(database);
            var url = first.Url;
            await using var alice = await InteractiveRun.StartAsync(new ChatEndpoint(url, "alice"), gate.Configure);
            alice.Input.Type("/join dev");
            await alice.Output.LineAsync("* now in #dev");
            alice.Input.Type("/go general");
            await alice.Output.LineAsync("* now in #general");
            await using (var bob = await ConnectAsync(url, "bob"))
            {
                await bob.JoinAsync("dev");
                await bob.SendToAsync("dev", "before the crash");
                await alice.Output.MessageAsync("bob: before the crash");
            }

            gate.Close();
            await first.KillAsync();
            await alice.Output.LineAsync("* reconnecting...");
            await using var second = await ChatProcess.StartAsync(new ChatProcessOptions { DatabasePath = database, Port = url.Port });
            await using (var bob = await ConnectAsync(url, "bob"))
            {
                await bob.SendAsync("missed in general", "bob");
                await bob.SendToAsync("dev", "missed in dev");
                await bob.SendToAsync("@alice", "missed between us");

                gate.Open();
                await alice.Output.LineAsync("* reconnected");
                await alice.Output.MessageAsync("bob: missed between us");
                await bob.SendToAsync("dev", "after the reconnect");
                await alice.Output.MessageAsync("bob: after the reconnect");
            }

            alice.Output.MessageBodies.Should().Equal(
                "#dev bob: before the crash", "bob: missed in general", "#dev bob: missed in dev", "@bob bob: missed between us", "#dev bob: after the reconnect");
            (await alice.EndAsync()).Should().Be(0);
        }
        finally
        {
            ChatApplication.DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task Changes_made_while_disconnected_print_once_after_reconnect_by_position_and_a_message_changed_meanwhile_as_it_now_is()
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            var gate = new NegotiateGate();
            await using var first = await ChatProcess.StartOnAsync(database);
            var url = first.Url;
            await using var alice = await InteractiveRun.StartAsync(new ChatEndpoint(url, "alice"), gate.Configure);
            ChatMessage before;
            await using (var bob = await ConnectAsync(url, "bob"))
            {
                before = (await bob.SendAsync("before the crash", "bob"))!;
                await alice.Output.MessageAsync("bob: before the crash");
            }

            gate.Close();
            await first.KillAsync();
            await alice.Output.LineAsync("* reconnecting...");
            await using var second = await ChatProcess.StartAsync(new ChatProcessOptions { DatabasePath = database, Port = url.Port });
            await using (var bob = await ConnectAsync(url, "bob"))
            {
                await bob.EditAsync("general", before.Id, "before the crash, corrected");
                var missed = (await bob.SendAsync("missed", "bob"))!;
                await bob.EditAsync("general", missed.Id, "missed, corrected");
                await bob.ReactAsync("general", before.Id, "👍");

                gate.Open();
                await alice.Output.LineAsync("* reconnected");
                await alice.Output.LineAsync(line => line.StartsWith("* bob reacted", StringComparison.Ordinal));
                await bob.SendAsync("after the reconnect", "bob");
                await bob.EditAsync("general", missed.Id, "missed, corrected twice");
                await alice.Output.LineAsync("* bob edited: missed, corrected twice");
            }

            // The catch-up brings each changed message once, at the position of its latest change: "missed" (edited) before the reaction.
            alice.Output.Lines.Where(line => line.StartsWith('[') || line.StartsWith("* bob edited", StringComparison.Ordinal) || line.StartsWith("* bob reacted", StringComparison.Ordinal))
                .Select(line => line.StartsWith('[') ? line[8..] : line).Should().Equal(
                    "bob: before the crash",
                    "bob: missed, corrected (edited)",
                    "* bob edited: before the crash, corrected",
                    "* bob reacted 👍 to bob: \"before the crash…\"",
                    "bob: after the reconnect",
                    "* bob edited: missed, corrected twice");
            (await alice.EndAsync()).Should().Be(0);
        }
        finally
        {
            ChatApplication.DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task A_line_typed_while_the_server_is_down_is_sent_once_after_the_reconnect()
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            var gate = new NegotiateGate();
            await using var first = await ChatProcess.StartOnAsync(database);
            var url = first.Url;
            await using var alice = await InteractiveRun.StartAsync(new ChatEndpoint(url, "alice"), gate.Configure);

            // Refused, not held: a reconnect attempt in progress would make the send wait for it instead of failing.
            gate.Refuse();
            await first.KillAsync();
            await alice.Output.LineAsync("* reconnecting...");
            alice.Input.Type("typed while away");
            await alice.Output.LineAsync("* not sent yet: it is sent again once reconnected");
            await using var second = await ChatProcess.StartAsync(new ChatProcessOptions { DatabasePath = database, Port = url.Port });
            await using var bob = await ConnectAsync(url, "bob");
            gate.Open();

            (await bob.NextMessageAsync()).Text.Should().Be("typed while away");
            await alice.Output.MessageAsync("alice: typed while away");
            (await alice.EndAsync()).Should().Be(0);
            alice.Output.MessageBodies.Should().Equal("alice: typed while away");
            alice.Output.Lines.Should().NotContain(line => line.StartsWith("error", StringComparison.Ordinal));
            (await bob.AllHistoryAsync()).Select(m => m.Text).Should().Equal("typed while away");
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
