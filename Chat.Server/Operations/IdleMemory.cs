namespace Chat.Server.Operations;

/// <summary>
/// Gives back the memory a burst left behind once the server has gone quiet. The garbage collector keeps what it grew
/// to until its next collection, and a quiet server allocates too little to start one: after one user's 400
/// connections typed for 20 s and closed, the server stayed 65 to 87 MiB above where it began for as long as it was
/// watched (docs/performance.md, "Abuse floods"). Every <see cref="Interval"/> this looks at the collector's public
/// figures; when no collection has run for <see cref="Quiet"/> and the memory it holds (committed, or allocated since its
/// last collection) has grown by more than <see cref="Growth"/> since it last settled, it asks for one collection in the mode the runtime offers for handing
/// memory back (<see cref="GCCollectionMode.Aggressive"/>). A busy server collects on its own and is left alone.
/// <para>
/// Closed connections leave garbage where the collector looks least often: a connection that lived a while was
/// promoted to the oldest generation, which is collected only when it has grown by a share of its size. After 10,000
/// idle connections closed, their state waited there while the next load allocated beside it, and the server grew by
/// 11 to 111 MB under a slow consumer that grew it by 7 to 24 MB on a server that had not held them (docs/performance.md,
/// "slow consumer after load"). So when <see cref="ConnectionsGone"/> or more connections have closed since the last
/// full collection, this asks for one, in the background (the server keeps running meanwhile).
/// </para>
/// </summary>
/// <param name="openConnections">How many connections are open on this server now.</param>
internal sealed partial class IdleMemory(TimeProvider clock, Func<int> openConnections, ILogger<IdleMemory> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Quiet = TimeSpan.FromSeconds(20);

    public const long Growth = 16L * 1024 * 1024;

    public const int ConnectionsGone = 1000;

    private int _fullCollections = -1;
    private int _mostConnections;
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

    /// <summary>
    /// One look at the connections: true when <see cref="ConnectionsGone"/> or more closed since the last full collection
    /// (<paramref name="fullCollections"/> counts them), so that their state, in the oldest generation, is garbage.
    /// </summary>
    public bool ShouldCollectClosed(int fullCollections, int open)
    {
        if (fullCollections != _fullCollections)
        {
            _fullCollections = fullCollections;
            _mostConnections = open;
            return false;
        }

        _mostConnections = Math.Max(_mostConnections, open);
        if (_mostConnections - open < ConnectionsGone)
        {
            return false;
        }

        _mostConnections = open;
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
                var open = openConnections();
                if (ShouldCollectClosed(GC.CollectionCount(GC.MaxGeneration), open))
                {
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false);
                    LogClosed(ConnectionsGone, open);
                    continue;
                }

                // What the collector committed at its last collection, or what has been allocated since if that is more:
                // a server that allocates a little at a time fills its youngest generation for minutes before collecting.
                var before = Math.Max(GC.GetGCMemoryInfo().TotalCommittedBytes, GC.GetTotalMemory(forceFullCollection: false));
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Gone} or more connections closed since the last full collection ({Open} open): collecting their state in the background")]
    private partial void LogClosed(int gone, int open);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Quiet after a burst: collected garbage and gave memory back, the collector's committed memory {Before} MiB, now {After} MiB")]
    private partial void LogCollected(long before, long after);
}
