using System.Threading.Channels;
using Chat.Server.Operations;

namespace Chat.Server.History;

/// <summary>
/// The one writer of the history. It commits the messages that arrived together in one transaction
/// (group commit), acks their senders as soon as that is durable, and hands the batch to the
/// <see cref="IHistoryPublisher"/>, which takes only a few batches ahead of the clients: past that the
/// next commit waits, so fast senders are slowed to the pace of fan-out instead of piling up memory.
/// On stop it commits what is queued for at most <see cref="DrainTimeout"/>; whatever is left then is
/// failed at its sender.
/// </summary>
public sealed partial class HistoryWriter(IHistoryStore store, IHistoryPublisher publisher, ChatMetrics metrics, TimeProvider clock, ILogger<HistoryWriter> logger)
    : IHostedLifecycleService, IDisposable
{
    /// <summary>Most messages committed in one transaction.</summary>
    public const int MaxBatch = 512;

    /// <summary>How long a stopping server keeps committing what was queued before it gives up on the rest.</summary>
    public static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Messages moved into a search index written behind the commits (SQLite's) at once while the writer has nothing else
    /// to do: small enough to fit between a busy server's commits (a slice takes a millisecond or two), big enough that
    /// the index writes one segment for many messages.
    /// </summary>
    public const int SearchSlice = 128;

    /// <summary>Committed messages outside the search index past which the writer moves them in even while commits wait.</summary>
    public const int SearchBacklog = 8192;

    /// <summary>How long fewer than <see cref="SearchSlice"/> committed messages wait for the search index (search finds them meanwhile all the same).</summary>
    public static readonly TimeSpan SearchDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abandon = new();
    private Task _loop = Task.CompletedTask;
    private List<Pending>? _committing; // the batch whose commit is under way

    // Messages committed but maybe not in the search index yet, and since when (unknown at start: an earlier process may have
    // left some). Always 0 for a store that indexes in the commit: the writer then has nothing to wait or index for.
    private int _unindexed = store.IndexesSearchLater ? SearchBacklog : 0;
    private long _unindexedSince;

    // A store that fails every commit (a full disk) must not write a stack trace per batch.
    private LogThrottle<string>? _failures;

    private LogThrottle<string> Failures => _failures ??= new LogThrottle<string>(clock, (cause, count, span) => LogMoreCommitsFailed(count, span.TotalSeconds, cause));

    /// <summary>Why the last commit failed, while no commit has succeeded since; null when commits succeed (not before the first try).</summary>
    public string? CommitFailure { get; private set; } = "no commit was tried yet";

    /// <summary>
    /// Queues <paramref name="message"/>; completes once it is committed with the stored message, or with the
    /// message stored before under the same client message id (then nothing new is stored or published).
    /// </summary>
    public async Task<Appended> AppendAsync(NewMessage message) => (Appended)(await Enqueue(new Pending(Work.Append) { Message = message }))!;

    /// <summary>
    /// Queues a change to a message; completes once it is committed (or found to change nothing, or refused by a rule) with
    /// what became of it. Changes go in the same transactions as the messages queued around them.
    /// </summary>
    public async Task<ChangeResult> ChangeAsync(MessageChange change) => (ChangeResult)(await Enqueue(new Pending(Work.Change) { Change = change }))!;

    /// <summary>Moves a read marker forward, committed with the messages around it; completes with the marker as stored.</summary>
    public async Task<long> MarkReadAsync(ReadMark mark) => (long)(await Enqueue(new Pending(Work.MarkRead) { Mark = mark }))!;

    /// <summary>Deletes the history of one conversation after every message queued before it, then tells its clients.</summary>
    public Task ClearAsync(string room) => Enqueue(new Pending(Work.Clear) { Room = room });

    /// <summary>Runs a write of the store's (a join, a leave) in turn with the commits, so it lands between the messages queued around it.</summary>
    public async Task<T> RunAsync<T>(Func<IHistoryStore, CancellationToken, Task<T>> write) =>
        (T)(await Enqueue(new Pending(Work.Run) { Write = async (store, cancellationToken) => await write(store, cancellationToken) }))!;

    /// <summary>Commits a write that changes nothing, to learn whether commits succeed again (readiness).</summary>
    public Task ProbeAsync() => Enqueue(new Pending(Work.Probe));

    // The store must be ready before anything (the sequencer among them) starts reading it.
    public Task StartingAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);

        // A store that opens but cannot take a commit (a full disk after a restart) is unready from the start, not
        // from the first failed send: the first probe runs before anything else is committed.
        _ = ProbeAsync().ContinueWith(static probe => _ = probe.Exception, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Takes no more, commits what is queued, and after <see cref="DrainTimeout"/> fails the rest at their senders.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        try
        {
            await _loop.WaitAsync(DrainTimeout, clock, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            // Fail the senders first: cancelling the store's call may end the commit under way, and with it the record of who waits.
            var committing = Volatile.Read(ref _committing) ?? [];
            foreach (var pending in committing)
            {
                pending.Done.TrySetException(HistoryUnavailableException.MaybeSaved("the server shut down while the history store was saving it"));
            }

            var waiting = 0;
            while (_queue.Reader.TryRead(out var pending))
            {
                waiting++;
                pending.Done.TrySetException(HistoryUnavailableException.NotSaved("the server is shutting down"));
            }

            LogGaveUp(DrainTimeout.TotalSeconds, committing.Count, waiting);

            // Not awaited: cancelling a call to a hung store can itself hang (a database client's cancel request).
            _ = _abandon.CancelAsync();
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        _abandon.Dispose();
        _failures?.Dispose();
    }

    private Task<object?> Enqueue(Pending pending) =>
        _queue.Writer.TryWrite(pending) ? pending.Done.Task : Task.FromException<object?>(HistoryUnavailableException.NotSaved("the server is shutting down"));

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await WaitAsync(reader))
            {
                if (!reader.TryPeek(out var first))
                {
                    continue;
                }

                if (first.Work is not (Work.Append or Work.Change or Work.MarkRead))
                {
                    reader.TryRead(out _);
                    await (first.Work switch
                    {
                        Work.Clear => ClearAsync(first),
                        Work.Run => RunWriteAsync(first),
                        _ => ProbeAsync(first),
                    });
                    continue;
                }

                // What arrived together and is of one kind goes in one transaction (messages and changes are one kind).
                var batch = new List<Pending>();
                while (batch.Count < MaxBatch && reader.TryPeek(out var next) && (next.Work == first.Work || (next.Work is Work.Change && first.Work is Work.Append) || (next.Work is Work.Append && first.Work is Work.Change)))
                {
                    reader.TryRead(out _);
                    batch.Add(next);
                }

                await (first.Work is Work.MarkRead ? MarkReadAsync(batch) : CommitAsync(batch));
                if (_unindexed >= SearchBacklog)
                {
                    await IndexSearchAsync(SearchBacklog / 4);
                }
            }
        }
        catch (Exception) when (_abandon.IsCancellationRequested)
        {
            // Stopped before the queue was drained; StopAsync failed the rest.
        }
    }

    /// <summary>
    /// Waits for the next write; while there is none and committed messages are outside the search index, moves them in a
    /// slice at a time (fewer than a slice once they have waited <see cref="SearchDelay"/>). False once the queue is closed.
    /// </summary>
    private async Task<bool> WaitAsync(ChannelReader<Pending> reader)
    {
        while (_unindexed > 0 && !reader.TryPeek(out _))
        {
            var due = SearchDelay - clock.GetElapsedTime(_unindexedSince);
            if (_unindexed < SearchSlice && due > TimeSpan.Zero)
            {
                using var timeout = new CancellationTokenSource(due, clock);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _abandon.Token);
                try
                {
                    if (!await reader.WaitToReadAsync(either.Token))
                    {
                        return false;
                    }

                    continue;
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !_abandon.IsCancellationRequested)
                {
                    // Nothing arrived meanwhile: index now.
                }
            }

            await IndexSearchAsync(SearchSlice);
        }

        return await reader.WaitToReadAsync(_abandon.Token);
    }

    /// <summary>Up to <paramref name="max"/> committed messages into the search index (<see cref="IHistoryStore.IndexSearchAsync"/>).</summary>
    private async Task IndexSearchAsync(int max)
    {
        try
        {
            var moved = await store.IndexSearchAsync(max, _abandon.Token);

            // As many as asked for: the rest waits for the next slice (fewer than asked for: nothing is left).
            _unindexed = moved < max ? 0 : Math.Max(_unindexed - moved, 0);
        }
        catch (Exception exception) when (!_abandon.IsCancellationRequested)
        {
            // Search still finds these messages, read from the table; try again after the delay.
            _unindexed = Math.Clamp(_unindexed, 1, SearchSlice - 1);
            if (Failures.Allow($"search index: {exception.GetType().FullName}: {exception.Message}", exception.Message))
            {
                LogIndexFailed(exception);
            }
        }

        _unindexedSince = clock.GetTimestamp();
    }

    private async Task MarkReadAsync(List<Pending> batch)
    {
        try
        {
            var markers = await store.MarkReadAsync([.. batch.Select(pending => pending.Mark)], _abandon.Token);
            Settle(batch, [.. markers.Select(marker => (object?)marker)], null);
        }
        catch (Exception exception) when (!_abandon.IsCancellationRequested)
        {
            Failed(exception, batch);
        }
    }

    private async Task RunWriteAsync(Pending pending)
    {
        try
        {
            Settle([pending], [await pending.Write!(store, _abandon.Token)], null);
        }
        catch (Exception exception) when (!_abandon.IsCancellationRequested)
        {
            Failed(exception, [pending]);
        }
    }

    private async Task ClearAsync(Pending pending)
    {
        try
        {
            await store.ClearAsync(pending.Room!, _abandon.Token);
        }
        catch (Exception exception) when (!_abandon.IsCancellationRequested)
        {
            Failed(exception, [pending]);
            return;
        }

        await PublishAsync(() => publisher.PublishClearedAsync(pending.Room!), 0, 0);
        Settle([pending], [null], null);
    }

    private async Task ProbeAsync(Pending pending)
    {
        try
        {
            await store.CheckWritableAsync(_abandon.Token);
            CommitFailure = null;
            Settle([pending], [null], null);
        }
        catch (Exception exception) when (!_abandon.IsCancellationRequested)
        {
            CommitFailure = exception.Message;
            Settle([pending], null, exception);
        }
    }

    private async Task PublishAsync(Func<Task> publish, long firstId, long lastId)
    {
        try
        {
            await publish();
        }
        catch (Exception exception)
        {
            // The messages are committed: clients that missed them get them when they catch up.
            LogPublishFailed(exception, firstId, lastId);
        }
    }

    private void Failed(Exception exception, List<Pending> batch)
    {
        CommitFailure = exception.Message;
        if (Failures.Allow($"{exception.GetType().FullName}: {exception.Message}", exception.Message))
        {
            LogCommitFailed(exception, batch.Count);
        }

        Settle(batch, null, exception is CommitOutcomeUnknownException
            ? HistoryUnavailableException.MaybeSaved("the history store stopped answering while saving it", exception)
            : HistoryUnavailableException.NotSaved("the history store could not save it", exception));
    }

    /// <summary>
    /// Completes the senders' calls on one pool thread, off the writer loop: their continuations (the
    /// hub's replies) run there one after another, so a batch costs one thread hop rather than one each.
    /// </summary>
    private static void Settle(List<Pending> batch, object?[]? results, Exception? failure) =>
        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                var (batch, results, failure) = state;
                for (var i = 0; i < batch.Count; i++)
                {
                    if (results is not null)
                    {
                        batch[i].Done.TrySetResult(results[i]);
                    }
                    else
                    {
                        batch[i].Done.TrySetException(failure!);
                    }
                }
            },
            (batch, results, failure),
            preferLocal: false);

    [LoggerMessage(Level = LogLevel.Error, Message = "History commit of {Count} messages failed; their senders get an error")]
    private partial void LogCommitFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} more history commits failed in the last {Seconds:0} s, the same way: {Cause}")]
    private partial void LogMoreCommitsFailed(int count, double seconds, string cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving committed messages into the search index failed; search still finds them, more slowly, and the writer tries again")]
    private partial void LogIndexFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing committed messages {FirstId} to {LastId} failed")]
    private partial void LogPublishFailed(Exception exception, long firstId, long lastId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped saving after {Seconds} s: {Committing} messages were being committed (their senders are told they may not be saved), {Waiting} more were not saved")]
    private partial void LogGaveUp(double seconds, int committing, int waiting);

    private enum Work
    {
        Append,
        Change,
        MarkRead,
        Clear,
        Run,
        Probe,
    }

    /// <summary>A queued write and the caller waiting for it.</summary>
    private sealed class Pending(Work work)
    {
        public Work Work { get; } = work;

        public NewMessage Message { get; init; }

        public MessageChange Change { get; init; }

        public ReadMark Mark { get; init; }

        public string? Room { get; init; }

        public Func<IHistoryStore, CancellationToken, Task<object?>>? Write { get; init; }

        /// <summary>Completed only by <see cref="Settle"/>, never inline on the writer loop (or by a drain that gave up).</summary>
        public TaskCompletionSource<object?> Done { get; } = new();
    }
}
