using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ScaleOut;

/// <summary>
/// Two Chat processes behind one Redis and one PostgreSQL, all real and on loopback: what a client on
/// one node does, clients on the other see, and the cluster agrees on history and presence.
/// </summary>
public sealed class ClusterTests : ClusterTest
{
    [SkippableFact]
    public async Task Every_client_on_either_node_receives_every_message_once_and_both_nodes_share_history_and_presence()
    {
        await using var alice = await A.ConnectAsync("alice");
        await using var bob = await B.ConnectAsync("bob");
        await using var carol = await A.ConnectAsync("carol");
        await Cluster.WaitUntilOnlineAsync(bob, "alice", "bob", "carol");
        (await alice.OnlineUsersAsync()).Should().Equal("alice", "bob", "carol");

        // Act: clients on both nodes send at once.
        string[] names = ["alice", "bob", "carol"];
        var acks = await Task.WhenAll(new[] { alice, bob, carol }.Select(async (client, c) =>
        {
            var ids = new List<long>();
            for (var n = 0; n < 20; n++)
            {
                ids.Add((await client.SendAsync($"{c}:{n}", names[c]))!.Id);
            }

            return ids;
        }));

        // Assert: every client gets every message once, in id order, whichever node committed it.
        var acked = acks.SelectMany(ids => ids).Order().ToList();
        acked.Should().OnlyHaveUniqueItems();
        foreach (var client in new[] { alice, bob, carol })
        {
            var received = await client.MessagesAsync(acked.Count);
            received.Select(m => m.Id).Should().Equal(acked, "every message arrives once on every node, in id order");
            client.ReceivedSoFar().Should().BeEmpty("nothing arrives twice");
        }

        var historyOnA = await alice.AllHistoryAsync();
        var historyOnB = await bob.AllHistoryAsync();
        historyOnA.Select(m => m.Id).Should().Equal(acked);
        historyOnB.Should().Equal(historyOnA, "both nodes read the same history");
    }

    [SkippableFact]
    public async Task Joins_and_leaves_on_one_node_are_announced_to_clients_on_the_other()
    {
        await using var alice = await A.ConnectAsync("alice");
        (await alice.NextJoinedAsync()).Should().Be("alice");

        // Act
        var bob = await B.ConnectAsync("bob");
        var joined = await alice.NextJoinedAsync();
        await bob.DisposeAsync();

        // Assert
        joined.Should().Be("bob");
        (await alice.NextLeftAsync()).Should().Be("bob");
    }

    [SkippableFact]
    public async Task A_node_killed_with_SIGKILL_disappears_from_presence_within_30_seconds_but_users_still_connected_elsewhere_stay()
    {
        await using var alice = await A.ConnectAsync("alice");
        await using var dave = await A.ConnectAsync("dave");
        var bob = await B.ConnectAsync("bob");
        var daveOnB = await B.ConnectAsync("dave");
        await Cluster.WaitUntilOnlineAsync(alice, "alice", "bob", "dave");

        // Act
        await B.KillAsync();

        // Assert: bob is announced gone within the bound; dave, still on node A, is not.
        (await alice.NextLeftAsync(within: TimeSpan.FromSeconds(30))).Should().Be("bob");
        (await alice.OnlineUsersAsync()).Should().Equal("alice", "dave");
        alice.LeftSoFar().Should().BeEmpty();
        await bob.DisposeAsync();
        await daveOnB.DisposeAsync();
    }

    [SkippableFact]
    public async Task While_Redis_is_down_for_10_seconds_nodes_are_unready_but_keep_their_clients_and_messages_still_cross_in_order()
    {
        await using var alice = await A.ConnectAsync("alice");
        await using var bob = await B.ConnectAsync("bob");
        await Cluster.WaitUntilOnlineAsync(alice, "alice", "bob");
        var before = await alice.SendAsync("before the outage", "alice");
        (await bob.NextMessageAsync()).Should().Be(before);
        (await alice.NextMessageAsync()).Should().Be(before);

        // Act: Redis goes away for 10 seconds.
        await Cluster.Redis.StopAsync();
        var stopped = DateTime.UtcNow;

        // Assert: both nodes say they are unready, yet their clients stay and still hear each other (from the history).
        await Cluster.WaitForReadinessAsync(A.Url, HttpStatusCode.ServiceUnavailable);
        await Cluster.WaitForReadinessAsync(B.Url, HttpStatusCode.ServiceUnavailable);
        var fromA = await alice.SendAsync("sent on A while Redis is down", "alice");
        var fromB = await bob.SendAsync("sent on B while Redis is down", "bob");
        (await bob.MessagesAsync(2)).Should().Equal(fromA!, fromB!);
        (await alice.MessagesAsync(2)).Should().Equal(fromA!, fromB!);
        await Task.Delay(stopped.AddSeconds(10) - DateTime.UtcNow is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
        alice.Closed.IsCompleted.Should().BeFalse("a Redis outage does not cost a client its connection");
        bob.Closed.IsCompleted.Should().BeFalse();

        // Act: Redis comes back (empty: it keeps nothing on disk).
        await Cluster.Redis.StartAgainAsync();

        // Assert: both nodes are ready again, presence is rebuilt, messages cross through Redis again, each once.
        await Cluster.WaitForReadinessAsync(A.Url, HttpStatusCode.OK);
        await Cluster.WaitForReadinessAsync(B.Url, HttpStatusCode.OK);
        await Cluster.WaitUntilOnlineAsync(bob, "alice", "bob");
        var after = await alice.SendAsync("after the recovery", "alice");
        (await bob.NextMessageAsync()).Should().Be(after);
        (await alice.NextMessageAsync()).Should().Be(after);
        bob.ReceivedSoFar().Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_hung_Redis_is_noticed_like_an_outage_and_messages_still_cross()
    {
        await using var alice = await A.ConnectAsync("alice");
        await using var bob = await B.ConnectAsync("bob");
        await Cluster.WaitUntilOnlineAsync(alice, "alice", "bob");

        // Act: Redis stops answering but keeps its connections open.
        Cluster.Redis.Hang();
        try
        {
            // Assert
            await Cluster.WaitForReadinessAsync(A.Url, HttpStatusCode.ServiceUnavailable);
            await Cluster.WaitForReadinessAsync(B.Url, HttpStatusCode.ServiceUnavailable);
            var fromA = await alice.SendAsync("sent while Redis hangs", "alice");
            (await bob.NextMessageAsync()).Should().Be(fromA, "the other node reads it from the history");
            (await alice.NextMessageAsync()).Should().Be(fromA);
        }
        finally
        {
            Cluster.Redis.Wake();
        }

        await Cluster.WaitForReadinessAsync(A.Url, HttpStatusCode.OK);
        await Cluster.WaitForReadinessAsync(B.Url, HttpStatusCode.OK);
        var after = await bob.SendAsync("after Redis woke up", "bob");
        (await alice.NextMessageAsync()).Should().Be(after);
        alice.ReceivedSoFar().Should().BeEmpty("what Redis delivered late is not shown twice");
    }
}
