using Chat.Tests.Infrastructure;

namespace Chat.Tests.ScaleOut;

/// <summary>
/// Two nodes where node A's Redis traffic is delayed by 400 ms (a proxy in the test): node A commits a
/// message, node B commits a later one, and B's reaches B's clients first unless B waits for A's.
/// </summary>
public sealed class OrderedDeliveryTests : IAsyncLifetime
{
    private Cluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await Cluster.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [SkippableFact]
    public async Task A_client_that_leaves_right_after_a_later_message_from_the_other_node_still_gets_the_earlier_one()
    {
        await using var alice = await _cluster.A.ConnectAsync("alice");
        await using var bob = await _cluster.B.ConnectAsync("bob");
        var carol = await _cluster.B.ConnectAsync("carol");
        await Cluster.WaitUntilOnlineAsync(carol, "alice", "bob", "carol");
        _cluster.RedisOfA.Delay = TimeSpan.FromMilliseconds(400);

        // Act: A commits first (its publish crawls to Redis), then B commits.
        var earlier = await alice.SendAsync("from A, committed first", "alice");
        var later = await bob.SendAsync("from B, committed second", "bob");
        later!.Id.Should().BeGreaterThan(earlier!.Id);

        // Carol, on B, leaves the moment her first message arrives, then comes back and catches up as clients do.
        var first = await carol.NextMessageAsync();
        await carol.DisposeAsync();
        await using var carolAgain = await _cluster.B.ConnectAsync("carol");
        var caughtUp = await carolAgain.HistoryAsync(afterId: first.Id);

        // Assert
        first.Should().Be(earlier, "messages reach each client in id order, whichever node committed them");
        caughtUp.Select(m => m.Id).Prepend(first.Id).Should().Contain([earlier.Id, later.Id], "nothing is skipped by catching up from the last id seen");
    }
}
