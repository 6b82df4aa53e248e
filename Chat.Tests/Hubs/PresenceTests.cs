using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Hubs;

public class PresenceTests
{
    private static readonly TimeSpan Quiet = Server.Presence.PresenceAnnouncer.LeaveGrace + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_reload_within_the_grace_makes_no_leave_or_join_line()
    {
        await using var app = new ChatApplication();
        await using var observer = await app.ConnectAsync("observer");
        var bob = await app.ConnectAsync("bob");
        // Users who arrive within a moment of each other are announced in either order.
        new[] { await observer.NextJoinedAsync(), await observer.NextJoinedAsync() }.Should().BeEquivalentTo(["observer", "bob"]);

        // The page reloads: its connection closes and a new one opens a moment later.
        await bob.DisposeAsync();
        await Task.Delay(500);
        await using var reloaded = await app.ConnectAsync("bob");
        await Task.Delay(Quiet);

        observer.LeftSoFar().Should().BeEmpty("bob was back before anyone needed to hear he left");
        observer.JoinedSoFar().Should().BeEmpty();
        (await observer.OnlineUsersAsync()).Should().Equal("bob", "observer");
    }

    [Fact]
    public async Task Connections_that_come_and_go_with_new_names_make_a_bounded_number_of_presence_events()
    {
        await using var app = new ChatApplication();
        await using var observer = await app.ConnectAsync("observer");
        (await observer.NextJoinedAsync()).Should().Be("observer");

        for (var i = 0; i < 100; i++)
        {
            await using var churn = await app.ConnectAsync($"churn{i:000}");
        }

        await Task.Delay(Quiet);

        (observer.JoinedSoFar().Count + observer.LeftSoFar().Count).Should().BeLessThan(10, "joins that do not last are never announced");
        (await observer.OnlineUsersAsync()).Should().Equal("observer");
    }

    [Fact]
    public async Task A_user_with_two_connections_joins_once_and_leaves_once()
    {
        await using var app = new ChatApplication();
        await using var observer = await app.ConnectAsync("observer");
        (await observer.NextJoinedAsync()).Should().Be("observer");

        var first = await app.ConnectAsync("alice");
        var second = await app.ConnectAsync("alice");
        await second.OnlineUsersAsync();
        (await observer.NextJoinedAsync()).Should().Be("alice");
        (await observer.OnlineUsersAsync()).Should().Equal("alice", "observer");
        observer.JoinedSoFar().Should().BeEmpty("the second tab of a user who is online is not a join");

        await first.DisposeAsync();
        (await observer.OnlineUsersAsync()).Should().Equal("alice", "observer");
        observer.LeftSoFar().Should().BeEmpty("alice still has a connection open");

        await second.DisposeAsync();
        (await observer.NextLeftAsync()).Should().Be("alice");
        (await observer.OnlineUsersAsync()).Should().Equal("observer");
    }

    [Fact]
    public async Task Online_users_are_in_ordinal_order_and_guests_are_not_listed()
    {
        await using var app = new ChatApplication();
        await using var zoe = await app.ConnectAsync("zoe");
        await using var bob = await app.ConnectAsync("Bob");
        await using var guest = await app.ConnectAsync(user: null);
        await using var amy = await app.ConnectAsync("amy");

        var online = await guest.OnlineUsersAsync();

        online.Should().Equal("Bob", "amy", "zoe");
    }

    [Fact]
    public async Task A_connection_that_drops_without_closing_is_removed_like_a_closed_one()
    {
        await using var app = new ChatApplication();
        await using var observer = await app.ConnectAsync("observer");
        using var crashing = await RawHubSocket.ConnectAsync(app, "crashing");
        // Users who arrive within a moment of each other are announced in either order.
        new[] { await observer.NextJoinedAsync(), await observer.NextJoinedAsync() }.Should().BeEquivalentTo(["observer", "crashing"]);

        crashing.Abort();

        (await observer.NextLeftAsync()).Should().Be("crashing");
        (await observer.OnlineUsersAsync()).Should().Equal("observer");
    }

    [Fact]
    public async Task A_user_name_with_control_characters_is_refused_at_connect()
    {
        await using var app = new ChatApplication();
        var connection = app.CreateConnection("bad\nname");

        var connect = async () =>
        {
            await connection.StartAsync().DefaultTimeout();
            await connection.InvokeAsync<string[]>(nameof(IChatHub.GetOnlineUsers)).DefaultTimeout();
        };

        await connect.Should().ThrowAsync<Exception>();
        await using var guest = await app.ConnectAsync(user: null);
        (await guest.OnlineUsersAsync()).Should().BeEmpty();
    }
}
