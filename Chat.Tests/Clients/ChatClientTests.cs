using Chat.Testing;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Clients;

/// <summary>
/// The .NET client library (Chat.Client): what every client must get right, once. Its stream raises each message once
/// and in id order across the latest page, live messages and catch-ups; a product uses it in three lines.
/// </summary>
public class ChatClientTests
{
    private static readonly DateTime Noon = new(2026, 1, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Live_messages_that_arrive_while_history_is_read_are_raised_after_it_once_and_in_order()
    {
        await using var client = Unconnected();
        var raised = Raised(client);

        client.Live(Message(3));
        client.Live(Message(4));
        client.Deliver([Message(1), Message(2), Message(3)]);
        client.EndHolding();
        client.Live(Message(5));

        raised.Should().Equal(1, 2, 3, 4, 5);
        client.LastSeenId.Should().Be(5);
    }

    [Fact]
    public async Task Messages_replayed_or_already_fetched_are_not_raised_again()
    {
        await using var client = Unconnected();
        var raised = Raised(client);
        client.Deliver([Message(1), Message(2)]);
        client.EndHolding();

        client.Live(Message(2));
        client.BeginHolding();
        client.Live(Message(4));
        client.Deliver([Message(3), Message(4)]);
        client.EndHolding();
        client.Live(Message(4));

        raised.Should().Equal(1, 2, 3, 4);
    }

    [Fact]
    public async Task A_product_connects_listens_and_sends_in_three_lines()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        var earlier = (await bob.SendAsync("said before", "bob"))!;
        var heard = new List<ChatMessage>();
        var sent = Task.CompletedTask;

        // Act: the README's three lines (in memory instead of over the network)
        await using (var chat = await Connect(app, "bot"))
        {
            chat.MessageReceived += message => { lock (heard) { heard.Add(message); } };
            var stored = await chat.SendAsync("general", "hello from the bot");

            // Assert
            stored!.User.Should().Be("bot");
            (await bob.MessagesAsync(2)).Should().Equal(earlier, stored);
            await Eventually.Until(() => { lock (heard) { return heard.Count == 1; } }, "the bot hears its own message");
            heard.Should().Equal(stored);
        }
    }

    [Fact]
    public async Task A_product_searches_and_gets_typed_hits_with_highlights_into_the_text()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        var older = (await bob.PostAsync("general", "Résumé of the meeting"))!;
        var newer = (await bob.PostAsync("general", "my resume, updated"))!;
        await using var chat = await Connect(app, "bot");

        var hits = await chat.SearchAsync("resum from:bob", limit: 10).DefaultTimeout();
        var refused = () => chat.SearchAsync("   ");

        hits.Select(hit => hit.Message).Should().Equal(newer, older);
        hits.Select(hit => hit.Highlights.Single()).Select(span => (span[0], span[1])).Should().Equal((3, 6), (0, 6));
        (await refused.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("There is nothing to search for.");
    }

    [Fact]
    public async Task After_a_drop_the_messages_missed_are_raised_once_in_order_and_a_cut_send_is_stored_once()
    {
        // Arrange: a client through a proxy the test can cut, with a quick reconnect
        await using var chat = await ChatProcess.StartAsync("--Chat:RateLimit:PerSecond", "0");
        await using var proxy = new TcpProxy(chat.Url.Port);
        await using var bob = await chat.ConnectAsync("bob");
        await using var client = ChatClient.Create(new ChatClientOptions
        {
            Server = new Uri($"http://127.0.0.1:{proxy.Port}"),
            User = "alice",
            ReconnectPolicy = new Quick(),
        });
        var raised = Raised(client);
        await client.StartAsync().DefaultTimeout();

        // Act: the connection is cut; bob says 150 things meanwhile (more than a page); alice's send goes once she is back
        proxy.CutAll();
        for (var i = 0; i < 150; i++)
        {
            await bob.SendAsync($"while alice was away {i}", "bob");
        }

        var mine = await client.SendAsync("general", "back again").DefaultTimeout();

        // Assert
        await Eventually.Until(() => { lock (raised) { return raised.Count == 151; } }, "every message once");
        var history = await bob.AllHistoryAsync();
        history.Should().ContainSingle(message => message.Text == "back again");
        raised.Should().Equal(history.Select(message => message.Id), "each once, in id order, none missing");
        mine!.Text.Should().Be("back again");
    }

    private static ChatClient Unconnected() => ChatClient.Create(new ChatClientOptions { Server = new Uri("http://localhost:1") });

    private static async Task<ChatClient> Connect(ChatApplication app, string user)
    {
        var client = ChatClient.Create(new ChatClientOptions { Server = app.Server.BaseAddress, User = user, ConfigureHttp = app.UseInMemoryTransport });
        await client.StartAsync().DefaultTimeout();
        return client;
    }

    private static List<long> Raised(ChatClient client)
    {
        var raised = new List<long>();
        client.MessageReceived += message =>
        {
            lock (raised)
            {
                raised.Add(message.Id);
            }
        };
        return raised;
    }

    private static ChatMessage Message(long id) => new(id, "general", "bob", $"message {id}", Noon);

    /// <summary>Reconnects at once and every 200 ms, for a minute.</summary>
    private sealed class Quick : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext context) =>
            context.ElapsedTime < TimeSpan.FromMinutes(1) ? TimeSpan.FromMilliseconds(context.PreviousRetryCount == 0 ? 0 : 200) : null;
    }
}
