using Chat.Server.Operations;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Operations;

/// <summary>
/// When the server asks the garbage collector to give memory back: only once it has been quiet (no collection) for
/// <see cref="IdleMemory.Quiet"/> after the collector's memory grew by more than <see cref="IdleMemory.Growth"/>.
/// What the collection then gives back is measured by the benchmark's <c>abuse</c> command (docs/performance.md).
/// </summary>
public sealed class IdleMemoryTests
{
    private const long MiB = 1024 * 1024;

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public void A_burst_followed_by_quiet_is_collected_once()
    {
        using var idle = CreateIdle();
        Assert.False(idle.ShouldCollect(collections: 10, committed: 20 * MiB));

        // A flood: collections run and the collector grows to 90 MiB.
        _clock.Advance(TimeSpan.FromSeconds(5));
        Assert.False(idle.ShouldCollect(collections: 18, committed: 90 * MiB));

        // Quiet, but not for long enough yet.
        _clock.Advance(IdleMemory.Quiet - TimeSpan.FromSeconds(1));
        Assert.False(idle.ShouldCollect(collections: 18, committed: 90 * MiB));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(idle.ShouldCollect(collections: 18, committed: 90 * MiB));
        idle.Collected(collections: 19, committed: 25 * MiB);

        // Given back: the next look, however quiet, leaves it alone.
        _clock.Advance(IdleMemory.Quiet * 3);
        Assert.False(idle.ShouldCollect(collections: 19, committed: 25 * MiB));
    }

    [Fact]
    public void A_busy_server_is_left_to_collect_on_its_own()
    {
        using var idle = CreateIdle();
        Assert.False(idle.ShouldCollect(collections: 0, committed: 20 * MiB));
        for (var collections = 1; collections < 20; collections++)
        {
            _clock.Advance(IdleMemory.Interval);
            Assert.False(idle.ShouldCollect(collections, committed: 200 * MiB));
        }
    }

    [Fact]
    public void Growth_within_the_allowance_is_kept()
    {
        using var idle = CreateIdle();
        Assert.False(idle.ShouldCollect(collections: 3, committed: 20 * MiB));
        _clock.Advance(IdleMemory.Quiet * 2);
        Assert.False(idle.ShouldCollect(collections: 3, committed: 20 * MiB + IdleMemory.Growth));
    }

    [Fact]
    public void Memory_that_a_collection_could_not_give_back_is_not_collected_again()
    {
        using var idle = CreateIdle();
        Assert.False(idle.ShouldCollect(collections: 1, committed: 20 * MiB));
        _clock.Advance(IdleMemory.Quiet);
        Assert.True(idle.ShouldCollect(collections: 1, committed: 100 * MiB));

        // Still in use (many connections open): the collector keeps 95 MiB.
        idle.Collected(collections: 2, committed: 95 * MiB);
        for (var i = 0; i < 10; i++)
        {
            _clock.Advance(IdleMemory.Quiet);
            Assert.False(idle.ShouldCollect(collections: 2, committed: 95 * MiB));
        }
    }

    [Fact]
    public void Many_connections_closed_since_the_last_full_collection_are_collected_once()
    {
        using var idle = CreateIdle();
        Assert.False(idle.ShouldCollectClosed(fullCollections: 2, open: 10));
        Assert.False(idle.ShouldCollectClosed(fullCollections: 2, open: 10_010));
        Assert.False(idle.ShouldCollectClosed(fullCollections: 2, open: 9_100));
        Assert.True(idle.ShouldCollectClosed(fullCollections: 2, open: 8_900));

        // Asked once for those; the next look counts from here.
        Assert.False(idle.ShouldCollectClosed(fullCollections: 2, open: 8_900));
        Assert.False(idle.ShouldCollectClosed(fullCollections: 2, open: 8_000));
    }

    [Fact]
    public void Connections_closed_before_a_full_collection_ran_on_its_own_are_not_collected_again()
    {
        using var idle = CreateIdle();
        Assert.False(idle.ShouldCollectClosed(fullCollections: 2, open: 5_000));
        Assert.False(idle.ShouldCollectClosed(fullCollections: 3, open: 100));
        Assert.False(idle.ShouldCollectClosed(fullCollections: 3, open: 100));
    }

    private IdleMemory CreateIdle() => new(_clock, () => 0, NullLogger<IdleMemory>.Instance);
}
