using Chat.Tests.Infrastructure;

namespace Chat.Tests.ScaleOut;

/// <summary>Presence by audience across two Chat processes with real Redis and PostgreSQL.</summary>
public sealed class PresenceClusterTests
{
    [SkippableFact]
    public async Task Above_the_limit_an_arrival_on_one_node_reaches_those_who_share_a_conversation_or_watch_on_the_other()
    {
        // Arrange: the limit is 1; alice shares #dev with bob (node B), carol (node B) watches her, erin (node B) does neither
        await using var cluster = await Cluster.StartAsync("--Chat:Presence:BroadcastLimit", "1");
        await using (var first = await cluster.A.ConnectAsync("alice"))
        {
            await first.JoinAsync("dev");
        }

        await using var bob = await cluster.B.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var carol = await cluster.B.ConnectAsync("carol");
        await carol.WatchAsync("alice");
        await using var erin = await cluster.B.ConnectAsync("erin");
        await Cluster.WaitUntilOnlineAsync(erin, "bob", "carol", "erin");
        await Task.Delay(Server.Presence.PresenceAnnouncer.LeaveGrace + TimeSpan.FromSeconds(1));
        foreach (var client in new[] { bob, carol, erin })
        {
            client.JoinedSoFar();
            client.LeftSoFar();
        }

        // Act
        await using var alice = await cluster.A.ConnectAsync("alice");

        // Assert
        (await bob.NextJoinedAsync()).Should().Be("alice");
        (await carol.NextJoinedAsync()).Should().Be("alice");
        var marker = (await alice.SendAsync("marker", "alice"))!;
        (await erin.NextMessageAsync()).Should().Be(marker, "what reached erin's node for her before the marker, reached her before it");
        erin.JoinedSoFar().Should().BeEmpty("erin shares nothing with alice and does not watch her");
    }
}
