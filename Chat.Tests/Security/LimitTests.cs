using System.Net;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Security;

/// <summary>SPEC section 7: connection limits per address and per server, and hub budgets per user; each refuses with what is allowed, and nobody else notices.</summary>
public class LimitTests
{
    private const string Refusal = "Too many connections: this server takes at most";

    private static async Task<HttpResponseMessage> NegotiateAsync(ChatApplication app, string user)
    {
        using var http = app.CreateClient();
        return await http.PostAsync($"/hubs/chat/negotiate?negotiateVersion=1&user={user}", null);
    }

    [Fact]
    public async Task Past_the_open_connections_per_address_negotiate_gets_429_and_the_open_ones_carry_on()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Limits:ConnectionsPerAddress"] = "3" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var carol = await app.ConnectAsync("carol");

        using var refused = await NegotiateAsync(app, "dave");

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync()).Should().StartWith($"{Refusal} 3 open and 100 new per second (bursts of 500) from one address, and 50000 in all");
        (await alice.SendAsync("still here")).Should().NotBeNull();
        (await bob.MessagesAsync(1)).Single().Text.Should().Be("still here");

        await carol.DisposeAsync();
        await Eventually.UntilAsync(async () => (await NegotiateAsync(app, "dave")).StatusCode == HttpStatusCode.OK, "a closed connection frees its place");
    }

    [Fact]
    public async Task Past_the_connects_per_second_a_new_connection_gets_429_and_the_open_ones_carry_on()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Limits:ConnectsPerSecond"] = "1", ["Chat:Limits:ConnectBurst"] = "2" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");

        using var refused = await NegotiateAsync(app, "mallory");

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("and 1 new per second (bursts of 2) from one address");
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(1));
        (await alice.SendAsync("unaffected")).Should().NotBeNull();
        (await bob.OnlineUsersAsync()).Should().Equal("alice", "bob");
    }

    [Fact]
    public async Task Past_the_servers_max_connections_a_new_connection_gets_429()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Limits:MaxConnections"] = "2" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");

        using var refused = await NegotiateAsync(app, "carol");

        refused.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await refused.Content.ReadAsStringAsync()).Should().Contain("and 2 in all");
        (await alice.SendAsync("unaffected")).Should().NotBeNull();
    }

    [Fact]
    public async Task Past_the_connections_per_user_a_new_one_is_closed_saying_why_and_the_others_carry_on()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Limits:ConnectionsPerUser"] = "2" });
        await using var first = await app.ConnectAsync("alice");
        var second = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var third = new TestClient(app.CreateConnection("alice"));

        await third.Connection.StartAsync();
        var closed = await third.Closed.DefaultTimeout();

        closed!.Message.Should().Be(
            "The server closed the connection with the following error: Connection closed with an error. HubException: alice has 2 connections open on this server, " +
            "the most one user may have (Chat:Limits:ConnectionsPerUser). Close a tab or a device, then reconnect.");
        (await first.SendAsync("still here")).Should().NotBeNull();
        (await bob.MessagesAsync(1)).Single().Text.Should().Be("still here");
        app.Logs.Lines.Should().NotContain(line => line.Contains("   at ", StringComparison.Ordinal));

        await second.DisposeAsync();
        await Eventually.UntilAsync(
            async () =>
            {
                await using var again = new TestClient(app.CreateConnection("alice"));
                await again.Connection.StartAsync();
                return await Task.WhenAny(again.Closed, Task.Delay(500)) != again.Closed;
            },
            "a closed connection frees its place");
    }

    [Fact]
    public async Task A_users_connections_share_one_send_budget_and_another_user_has_their_own()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "1", ["Chat:RateLimit:Burst"] = "3" });
        await using var first = await app.ConnectAsync("alice");
        await using var second = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await first.SendAsync("one");
        await second.SendAsync("two");
        await first.SendAsync("three");

        var fourth = () => second.SendAsync("four: a new connection buys no budget");

        (await fourth.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("You are sending too fast: at most 1 messages per second, in bursts of up to 3.");
        (await bob.SendAsync("bob has his own", "bob")).Should().NotBeNull();
    }

    [Fact]
    public async Task Typing_is_charged_to_the_send_budget_that_sends_share()
    {
        // The budget refills one call a second: an attempt that took that long on a loaded machine proves nothing, and is made again.
        for (var attempt = 1; ; attempt++)
        {
            await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "1", ["Chat:RateLimit:Burst"] = "3" });
            await using var first = await app.ConnectAsync("alice");
            await using var second = await app.ConnectAsync("alice");
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await first.TypingAsync("general");
            await second.TypingAsync("general");
            await first.SendAsync("one");
            var typing = await Refusal(() => second.TypingAsync("general"));
            var send = await Refusal(() => first.SendAsync("two"));
            if (clock.Elapsed >= TimeSpan.FromSeconds(0.9) && attempt < 5)
            {
                continue;
            }

            typing.Should().Contain("You are sending too fast: at most 1 messages per second, in bursts of up to 3.");
            send.Should().Contain("You are sending too fast");
            return;
        }

        static async Task<string?> Refusal(Func<Task> call)
        {
            try
            {
                await call();
                return null;
            }
            catch (HubException refused)
            {
                return refused.Message;
            }
        }
    }

    [Fact]
    public async Task A_refusal_for_an_empty_budget_is_answered_only_after_the_hold_so_a_flood_cannot_go_faster()
    {
        // Arrange: the server's clock is the test's; one send a second, no burst to speak of
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ChatApplication(
            new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "1", ["Chat:RateLimit:Burst"] = "1" },
            services: services => services.AddSingleton<TimeProvider>(clock));
        await using var alice = await app.ConnectAsync("alice");
        await alice.SendAsync("within the budget");

        // Act
        var over = alice.SendAsync("over it");

        // Assert: held until the hold has passed on the server's clock, then refused as usual
        Func<Task> answer = () => over;
        await answer.Should().NotCompleteWithinAsync(TimeSpan.FromMilliseconds(500));
        clock.Advance(Chat.Server.Hubs.CallBudgets.RefusalHold);
        (await answer.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("You are sending too fast");
    }

    [Fact]
    public async Task History_costs_what_it_may_return_and_a_reader_over_budget_is_refused_while_others_read_on()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:ReadsPerSecond"] = "10", ["Chat:RateLimit:ReadBurst"] = "1000" });
        await using var mallory = await app.ConnectAsync("mallory");
        await using var other = await app.ConnectAsync("mallory");
        await using var bob = await app.ConnectAsync("bob");
        await bob.SendAsync("hello", "bob");

        await mallory.HistoryAsync(null, 500);
        await other.HistoryAsync(null, 490);
        var flood = () => mallory.HistoryAsync(null, 500);

        (await flood.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain(
            "You are reading too fast: at most 10 messages, names or conversations per second, in bursts of up to 1000, across your connections.");
        (await bob.HistoryAsync(null, 500)).Should().ContainSingle();
        (await bob.OnlineUsersAsync()).Should().Equal("bob", "mallory");
    }
}
