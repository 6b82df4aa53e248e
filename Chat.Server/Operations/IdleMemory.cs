namespace Chat.Server.Operations;

/// <summary>
/// Gives back the memory a burst left behind once the server has gone quiet. The garbage collector keeps what it grew
/// to until its next collection, and a quiet server allocates too little to start one: after one user's 400
/// connections typed for 20 s and closed, the server stayed 65 to 87 MiB above where it began for as long as it was
/// watched (docs/performance.md, "Abuse floods"). Every <see cref="Interval"/> this looks at the collector's public
/// figures; when no collection has run for <see cref="Quiet"/> and the memory it holds committed has grown by more than
/// <see cref="Growth"/> since it last settled, it asks for one collection in the mode the runtime offers for handing
/// memory back (<see cref="GCCollectionMode.Aggressive"/>). A busy server collects on its own and is left alone.
/// </summary>
internal sealed partial class IdleMemory(TimeProvider clock, ILogger<IdleMemory> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(20);

    public const long Growth = 32L * 1024 * 1024;

    private int _collections = -1;
    private long _lastCollectionSeen;
    private long _settled = -1;

    /// <summary>
    /// One look at the collector: true when it is time to collect. <paramref name="collections"/> counts the
    /// collections so far, <paramref name="committed"/> is the memory the collector holds.
    /// </summary>
    public bool ShouldCollect(int collections, long committed)
    {
        var now = clock.GetTimestamp();
        if (_settled < 0)
        {
            _settled = committed;
        }

        if (collections != _collections)
        {
            _collections = collections;
            _lastCollectionSeen = now;
            return false;
        }

        if (clock.GetElapsedTime(_lastCollectionSeen, now) < Quiet)
        {
            return false;
        }

        if (committed - _settled <= Growth)
        {
            _settled = Math.Min(_settled, committed);
            return false;
        }

        return true;
    }

    /// <summary>Where the collector left its memory after the collection asked for: the next growth is counted from here.</summary>
    public void Collected(int collections, long committed)
    {
        _collections = collections;
        _lastCollectionSeen = clock.GetTimestamp();
        _settled = committed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var tick = new PeriodicTimer(Interval, clock);
        try
        {
            while (await tick.WaitForNextTickAsync(stoppingToken))
            {
                var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
                if (!ShouldCollect(GC.CollectionCount(0), before))
                {
                    continue;
                }

                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
                Collected(GC.CollectionCount(0), after);
                LogCollected(before / (1024 * 1024), after / (1024 * 1024));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quiet after a burst: collected garbage and gave memory back, the collector's committed memory {Before} MiB, now {After} MiB")]
    private partial void LogCollected(long before, long after);
}
