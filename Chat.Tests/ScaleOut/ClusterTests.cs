using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ScaleOut;

/// <summary>
/// Two Chat processes behind one Redis and one PostgreSQL, all real and on loopback: what a client on
/// one node does, clients on the other see, and the cluster agrees on history and presence.
/// </summary>
public sealed class ClusterTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private RunningChat _a = null!;
    private RunningChat _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        string[] cluster = ["--ConnectionStrings:Chat", database, "--Chat:Redis", _redis.ConnectionString, "--Chat:RateLimit:PerSecond", "0"];
        _a = await RunningChat.StartAsync(cluster);
        _b = await RunningChat.StartAsync(cluster);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [SkippableFact]
    public async Task Every_client_on_either_node_receives_every_message_once_and_both_nodes_share_history_and_presence()
    {
        await using var alice = await _a.ConnectAsync("alice");
        await using var bob = await _b.ConnectAsync("bob");
        await using var carol = await _a.ConnectAsync("carol");
        await WaitUntilOnlineAsync(bob, "alice", "bob", "carol");
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

        // Assert
        var acked = acks.SelectMany(ids => ids).Order().ToList();
        acked.Should().OnlyHaveUniqueItems();
        foreach (var client in new[] { alice, bob, carol })
        {
            var received = await client.MessagesAsync(acked.Count);
            received.Select(m => m.Id).Order().Should().Equal(acked, "every message arrives once on every node");
            client.ReceivedSoFar().Should().BeEmpty("nothing arrives twice");
        }

        var historyOnA = await alice.AllHistoryAsync();
        var historyOnB = await bob.AllHistoryAsync();
        historyOnA.Select(m => m.Id).Should().Equal(acked);
        historyOnB.Should().Equal(historyOnA, "both nodes read the same history");
    }

    [SkippableFact]
    public async Task A_node_killed_with_SIGKILL_disappears_from_presence_within_30_seconds_but_users_still_connected_elsewhere_stay()
    {
        await using var alice = await _a.ConnectAsync("alice");
        await using var dave = await _a.ConnectAsync("dave");
        var bob = await _b.ConnectAsync("bob");
        var daveOnB = await _b.ConnectAsync("dave");
        await WaitUntilOnlineAsync(alice, "alice", "bob", "dave");

        // Act
        await _b.KillAsync();

        // Assert: bob is announced gone within the bound; dave, still on node A, is not.
        (await alice.NextLeftAsync(within: TimeSpan.FromSeconds(30))).Should().Be("bob");
        (await alice.OnlineUsersAsync()).Should().Equal("alice", "dave");
        alice.LeftSoFar().Should().BeEmpty();
        await bob.DisposeAsync();
        await daveOnB.DisposeAsync();
    }

    [SkippableFact]
    public async Task While_Redis_is_down_nodes_are_unready_and_close_connections_then_recover_when_it_returns()
    {
        var alice = await _a.ConnectAsync("alice");
        var bob = await _b.ConnectAsync("bob");
        await WaitUntilOnlineAsync(alice, "alice", "bob");
        using var http = new HttpClient();

        // Act: Redis goes away.
        await _redis.StopAsync();

        // Assert: readiness says so, connections are closed (so clients reconnect and catch up later), new ones are refused.
        await WaitForStatusAsync(http, _a.Url, HttpStatusCode.ServiceUnavailable);
        await WaitForStatusAsync(http, _b.Url, HttpStatusCode.ServiceUnavailable);
        await alice.Closed.DefaultTimeout();
        await bob.Closed.DefaultTimeout();
        var connect = () => _a.ConnectAsync("carol");
        await connect.Should().ThrowAsync<Exception>("a node without Redis cannot take a client");
        await alice.DisposeAsync();
        await bob.DisposeAsync();

        // Act: Redis comes back (empty: it keeps nothing on disk).
        await _redis.StartAgainAsync();

        // Assert: both nodes are ready again, clients reconnect, messages reach everyone, presence is rebuilt.
        await WaitForStatusAsync(http, _a.Url, HttpStatusCode.OK);
        await WaitForStatusAsync(http, _b.Url, HttpStatusCode.OK);
        await using var aliceAgain = await ConnectWhenPossibleAsync(_a, "alice");
        await using var bobAgain = await ConnectWhenPossibleAsync(_b, "bob");
        await WaitUntilOnlineAsync(bobAgain, "alice", "bob");
        var ack = await aliceAgain.SendAsync("after the recovery", "alice");
        (await bobAgain.NextMessageAsync()).Should().Be(ack);
        (await aliceAgain.NextMessageAsync()).Should().Be(ack);
    }

    /// <summary>Connects as a client with automatic reconnect would: retrying while the node is still getting Redis back.</summary>
    private static async Task<TestClient> ConnectWhenPossibleAsync(RunningChat node, string user)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await node.ConnectAsync(user);
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }

    private static async Task WaitUntilOnlineAsync(TestClient client, params string[] users)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await client.OnlineUsersAsync()).SequenceEqual(users))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"presence should become [{string.Join(", ", users)}]");
            await Task.Delay(100);
        }
    }

    private static async Task WaitForStatusAsync(HttpClient http, Uri node, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync(new Uri(node, "/readyz"));
            if (response.StatusCode == expected)
            {
                return;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"/readyz on {node} should answer {(int)expected}");
            await Task.Delay(200);
        }
    }
}
