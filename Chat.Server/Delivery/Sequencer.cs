using System.Threading.Channels;
using Chat.Server.History;
using Chat.Server.Rooms;

namespace Chat.Server.Delivery;

/// <summary>
/// Hands committed messages and changes to this server's clients strictly in position order (a new message's
/// position is its id, a change's the message's new version), whichever server committed them and in whatever order
/// they arrive. Positions are taken in commit order across the cluster (the
/// store's counter is taken inside each commit), so when a message arrives ahead of an earlier one the
/// earlier one is committed already: it is held back until the earlier one arrives, or fetched from the
/// store after <see cref="GapWait"/> (where a position may hold nothing any more: the message was changed again). A client's last seen id is therefore a point before which it has
/// seen everything, and catching up from it never skips a message. While the bus to the other servers
/// is down the store is polled instead, so their messages still arrive.
/// </summary>
internal sealed partial class Sequencer(IHistoryStore store, Dispatcher dispatcher, Pacing pacing, IClusterBus bus, TimeProvider clock, ILogger<Sequencer> logger)
    : IHistoryPublisher, IHostedLifecycleService
{
    /// <summary>Committed batches that may wait here before the writer (or the bus) waits too.</summary>
    public const int MaxWaitingBatches = 4;

    /// <summary>How long a message waits for an earlier one before that one is read from the store.</summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromMilliseconds(250);

    /// <summary>How often the store is asked for messages the bus may have lost (faster while it is down).</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan PollIntervalWhileBusDown = TimeSpan.FromMilliseconds(500);

    private const int PageSize = 500;

    // Synchronous continuations: when the release loop waits for its next arrival, whoever brings one (the
    // writer after a commit, or the bus) runs the release itself, up to the loop's next wait. A queued wake-up
    // would wait in the thread pool behind the send loops of the previous release: at 1000 receivers and
    // 50 messages/s that hand-off was about half of what Chat added before a message's first delivery.
    private readonly Channel<Arrival> _arrivals = Channel.CreateBounded<Arrival>(new BoundedChannelOptions(MaxWaitingBatches) { SingleReader = true, AllowSynchronousContinuations = true });
    private readonly SortedDictionary<long, ChatMessage> _held = [];
    private readonly List<ChatMessage> _release = [];
    private long _next; // the id to release next; 0 until known
    private long _gapSince; // when the oldest gap opened (a timestamp of the clock)
    private long _lastPoll;
    private Task _loop = Task.CompletedTask;

    /// <summary>What this server committed: released here in order, and told to the other servers.</summary>
    public async Task PublishAsync(IReadOnlyList<ChatMessage> batch)
    {
        bus.PublishCommitted(batch);
        await _arrivals.Writer.WriteAsync(new Arrival(batch, Cleared: null));
    }

    /// <summary>A conversation's history was cleared: its clients hear it after every message committed before the clear.</summary>
    public async Task PublishClearedAsync(string room) => await _arrivals.Writer.WriteAsync(new Arrival([], Cleared: room));

    /// <summary>
    /// What another server committed (from the bus). Dropped when this server is far behind its clients
    /// (it cannot slow the other server's senders, and need not hold what the store keeps anyway): the gap
    /// it leaves is read from the store once there is room.
    /// </summary>
    public void Offer(IReadOnlyList<ChatMessage> batch) => _arrivals.Writer.TryWrite(new Arrival(batch, Cleared: null));

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _next = await store.LastIdAsync(cancellationToken) + 1;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The first message to arrive tells where to start.
            LogStartUnknown(exception);
        }

        _lastPoll = clock.GetTimestamp();
        _loop = Task.Run(RunAsync, CancellationToken.None);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After every service stopped (the writer has drained): releases what is still here, then ends.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        _arrivals.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Out of shutdown time: clients that missed the rest catch up from the history.
        }
    }

    private async Task RunAsync()
    {
        var reader = _arrivals.Reader;
        while (true)
        {
            try
            {
                if (!await WaitForArrivalAsync(reader))
                {
                    return;
                }

                while (reader.TryRead(out var arrival))
                {
                    if (arrival.Cleared is { } room)
                    {
                        await ReleaseAsync();
                        Cleared(room);
                        continue;
                    }

                    Accept(arrival.Messages);
                }

                await ReleaseAsync();
                await FillGapAsync();
                await PollAsync();
            }
            catch (Exception exception)
            {
                // The messages are committed: clients that missed them get them when they catch up.
                LogReleaseFailed(exception, _next);
            }
        }
    }

    /// <summary>Waits for the next arrival, or until a gap or the poll is due; false once the writer has stopped.</summary>
    private async Task<bool> WaitForArrivalAsync(ChannelReader<Arrival> reader)
    {
        var due = NextDue();
        if (due is null)
        {
            return await reader.WaitToReadAsync();
        }

        var wait = due.Value - clock.GetElapsedTime(0);
        if (wait <= TimeSpan.Zero)
        {
            return true;
        }

        using var timeout = new CancellationTokenSource(wait, clock);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return true;
        }
    }

    /// <summary>When the next gap fill or poll is due, as time since the clock's zero; null when neither is.</summary>
    private TimeSpan? NextDue()
    {
        TimeSpan? due = _held.Count > 0 ? clock.GetElapsedTime(0, _gapSince) + GapWait : null;
        if (bus.Clustered)
        {
            var poll = clock.GetElapsedTime(0, _lastPoll) + (bus.IsUp ? PollInterval : PollIntervalWhileBusDown);
            due = due is { } gap && gap < poll ? gap : poll;
        }

        return due;
    }

    /// <summary>Takes messages in: the next ones in order go to the release list, later ones wait for the gap to close.</summary>
    private void Accept(IReadOnlyList<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            var position = message.Position();
            if (_next == 0)
            {
                _next = position;
            }

            if (position < _next)
            {
                continue; // released already (the bus and the store may both bring it)
            }

            if (position > _next)
            {
                if (_held.Count == 0)
                {
                    _gapSince = clock.GetTimestamp();
                }

                _held.TryAdd(position, message);
                continue;
            }

            _release.Add(message);
            _next++;
            while (_held.Remove(_next, out var held))
            {
                _release.Add(held);
                _next++;
            }

            if (_held.Count > 0)
            {
                _gapSince = clock.GetTimestamp();
            }
        }
    }

    /// <summary>
    /// Sends the release list to the clients here, each message to its conversation's members, in runs of up to
    /// <see cref="Frame.RunBytes"/> of one conversation, pacing after every quarter of a client's buffer: a page
    /// read from the store must not land on the clients all at once. Each client gets its messages in id order.
    /// </summary>
    private async Task ReleaseAsync()
    {
        var step = pacing.StepBytes;
        for (var start = 0; start < _release.Count;)
        {
            var stepped = 0L;
            while (start < _release.Count && stepped < step)
            {
                var room = _release[start].Room;
                var bytes = Frame.SizeOf(_release[start]);
                var end = start + 1;
                while (end < _release.Count && _release[end].Room == room && bytes + Frame.SizeOf(_release[end]) <= Frame.RunBytes)
                {
                    bytes += Frame.SizeOf(_release[end]);
                    end++;
                }

                dispatcher.SendCommitted(room, _release[start..end], bytes);
                stepped += bytes;
                start = end;
            }

            await pacing.PaceAsync();
        }

        _release.Clear();
    }

    /// <summary>Tells a cleared conversation's members, on every node (after every message committed before the clear).</summary>
    private void Cleared(string room)
    {
        if (room == Conversation.General)
        {
            dispatcher.Send(Audience.Everyone, nameof(IChatClient.HistoryCleared));
        }
        else
        {
            dispatcher.Send(Audience.Conversation(room), nameof(IChatClient.RoomCleared), room);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the last message id at start; the first message to arrive sets it")]
    private partial void LogStartUnknown(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing committed messages from id {NextId} failed; clients catch up from the history")]
    private partial void LogReleaseFailed(Exception exception, long nextId);

    // Debug: every message changed twice leaves a position behind, so skipping them is routine.
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Count} positions before {Next} hold nothing in the history (changed again, cleared or past retention); released what came after them")]
    private partial void LogGapSkipped(long count, long next);

    /// <param name="Cleared">The conversation whose history was cleared, instead of messages.</param>
    private sealed record Arrival(IReadOnlyList<ChatMessage> Messages, string? Cleared);
}
