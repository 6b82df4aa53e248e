using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Hubs;

/// <summary>
/// SPEC section 3, presence at scale: above <c>Chat:Presence:BroadcastLimit</c> users online, an arrival or
/// departure reaches only the connections that share a room or direct conversation with the user, or watch them.
/// </summary>
public class PresenceAudienceTests
{
    private static readonly TimeSpan Settled = Server.Presence.PresenceAnnouncer.LeaveGrace + TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Above_the_limit_an_arrival_and_a_departure_reach_only_those_who_share_a_conversation_or_watch()
    {
        // Arrange: alice shares #dev with bob and a direct conversation with carol; dave watches her; erin has nothing to do with her
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Presence:BroadcastLimit"] = "3" });
        await using (var first = await app.ConnectAsync("alice"))
        {
            await first.JoinAsync("dev");
            await first.SendToAsync("@carol", "hi");
        }

        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var carol = await app.ConnectAsync("carol");
        await using var dave = await app.ConnectAsync("dave");
        await using var erin = await app.ConnectAsync("erin");
        (await dave.WatchAsync("alice", "zed")).Should().BeEmpty("neither is online");
        await Task.Delay(Settled);
        foreach (var client in new[] { bob, carol, dave, erin })
        {
            client.JoinedSoFar();
            client.LeftSoFar();
        }

        // Act: four are online, one more than the limit, when alice arrives; then she leaves
        var alice = await app.ConnectAsync("alice");
        (await bob.NextJoinedAsync()).Should().Be("alice");
        (await carol.NextJoinedAsync()).Should().Be("alice");
        (await dave.NextJoinedAsync()).Should().Be("alice");
        await alice.DisposeAsync();
        (await bob.NextLeftAsync()).Should().Be("alice");
        (await carol.NextLeftAsync()).Should().Be("alice");
        (await dave.NextLeftAsync()).Should().Be("alice");

        // Assert
        erin.JoinedSoFar().Should().BeEmpty("erin shares nothing with alice and does not watch her");
        erin.LeftSoFar().Should().BeEmpty();
        (await erin.OnlineUsersAsync()).Should().Equal("bob", "carol", "dave", "erin");
    }

    [Fact]
    public async Task At_or_below_the_limit_everyone_hears()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Presence:BroadcastLimit"] = "3" });
        await using var erin = await app.ConnectAsync("erin");

        await using var alice = await app.ConnectAsync("alice");

        new[] { await erin.NextJoinedAsync(), await erin.NextJoinedAsync() }.Should().BeEquivalentTo(["erin", "alice"]);
    }

    [Fact]
    public async Task WatchUsers_answers_who_is_online_among_them_and_refuses_more_than_500()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");

        var online = await alice.WatchAsync("bob", "carol", "bob");
        var tooMany = () => alice.WatchAsync([.. Enumerable.Range(0, 501).Select(i => $"u{i}")]);

        online.Should().Equal("bob");
        (await tooMany.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(
            "A connection may watch at most 500 users; this list has 501. Watch the ones on screen.");
    }
}
