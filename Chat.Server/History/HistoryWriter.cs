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

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _abandon = new();
    private Task _loop = Task.CompletedTask;
    private List<Pending>? _committing; // the batch whose commit is under way

    /// <summary>Why the last commit failed, while no commit has succeeded since; null when commits succeed.</summary>
    public string? CommitFailure { get; private set; }

    /// <summary>Queues <paramref name="message"/>; completes with the stored message once it is committed.</summary>
    public Task<ChatMessage> AppendAsync(NewMessage message) => Enqueue(new Pending(Work.Append, message));

    /// <summary>Deletes all history after every message queued before it, then tells the clients.</summary>
    public Task ClearAsync() => Enqueue(new Pending(Work.Clear, default));

    /// <summary>Commits a write that changes nothing, to learn whether commits succeed again (readiness).</summary>
    public Task ProbeAsync() => Enqueue(new Pending(Work.Probe, default));

    // The store must be ready before anything (the sequencer among them) starts reading it.
    public Task StartingAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(RunAsync, CancellationToken.None);
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

    public void Dispose() => _abandon.Dispose();

    private Task<ChatMessage> Enqueue(Pending pending) =>
        _queue.Writer.TryWrite(pending) ? pending.Done.Task : Task.FromException<ChatMessage>(HistoryUnavailableException.NotSaved("the server is shutting down"));

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abandon.Token))
            {
                if (reader.TryPeek(out var first) && first.Work is not Work.Append)
                {
                    reader.TryRead(out _);
                    await (first.Work is Work.Clear ? ClearAsync(first) : ProbeAsync(first));
                    continue;
                }

                var batch = new List<Pending>();
                while (batch.Count < MaxBatch && reader.TryPeek(out var next) && next.Work is Work.Append)
                {
                    reader.TryRead(out _);
                    batch.Add(next);
                }

                await CommitAsync(batch);
            }
        }
        catch (Exception) when (_abandon.IsCancellationRequested)
        {
            // Stopped before the queue was drained; StopAsync failed the rest.
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        ChatMessage[] stored;
        var started = clock.GetTimestamp();
        Volatile.Write(ref _committing, batch);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var sentAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
            stored = [.. (await store.AppendAsync([.. batch.Select(pending => pending.Message)], sentAt, _abandon.Token)).Select(appended => appended.Message)];
            metrics.Committed(stored.Length, clock.GetElapsedTime(started));
            CommitFailure = null;
        }
        catch (Exception exception) when (!_abandon.IsCancellationRequested)
        {
            Failed(exception, batch);
            return;
        }
        finally
        {
            Volatile.Write(ref _committing, null);
        }

        // Durable: ack the senders, then hand the batch to the clients (waiting while they are far behind).
        Settle(batch, stored, null);
        await PublishAsync(() => publisher.PublishAsync(stored), stored[0].Id, stored[^1].Id);
    }

    private async Task ClearAsync(Pending pending)
    {
        try
        {
            await store.ClearAsync(Rooms.Conversation.General, _abandon.Token);
        }
        catch (Exception exception) when (!_abandon.IsCancellationRequested)
        {
            Failed(exception, [pending]);
            return;
        }

        await PublishAsync(publisher.PublishClearedAsync, 0, 0);
        Settle([pending], [null!], null);
    }

    private async Task ProbeAsync(Pending pending)
    {
        try
        {
            await store.CheckWritableAsync(_abandon.Token);
            CommitFailure = null;
            Settle([pending], [null!], null);
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
        LogCommitFailed(exception, batch.Count);
        Settle(batch, null, exception is CommitOutcomeUnknownException
            ? HistoryUnavailableException.MaybeSaved("the history store stopped answering while saving it", exception)
            : HistoryUnavailableException.NotSaved("the history store could not save it", exception));
    }

    /// <summary>
    /// Completes the senders' calls on one pool thread, off the writer loop: their continuations (the
    /// hub's replies) run there one after another, so a batch costs one thread hop rather than one each.
    /// </summary>
    private static void Settle(List<Pending> batch, ChatMessage[]? stored, Exception? failure) =>
        ThreadPool.UnsafeQueueUserWorkItem(
            static state =>
            {
                var (batch, stored, failure) = state;
                for (var i = 0; i < batch.Count; i++)
                {
                    if (stored is not null)
                    {
                        batch[i].Done.TrySetResult(stored[i]);
                    }
                    else
                    {
                        batch[i].Done.TrySetException(failure!);
                    }
                }
            },
            (batch, stored, failure),
            preferLocal: false);

    [LoggerMessage(Level = LogLevel.Error, Message = "History commit of {Count} messages failed; their senders get an error")]
    private partial void LogCommitFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing committed messages {FirstId} to {LastId} failed")]
    private partial void LogPublishFailed(Exception exception, long firstId, long lastId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopped saving after {Seconds} s: {Committing} messages were being committed (their senders are told they may not be saved), {Waiting} more were not saved")]
    private partial void LogGaveUp(double seconds, int committing, int waiting);

    private enum Work
    {
        Append,
        Clear,
        Probe,
    }

    /// <summary>A queued append, clear or probe, and the caller waiting for it.</summary>
    private sealed class Pending(Work work, NewMessage message)
    {
        public Work Work { get; } = work;

        public NewMessage Message { get; } = message;

        /// <summary>Completed only by <see cref="Settle"/>, never inline on the writer loop (or by a drain that gave up).</summary>
        public TaskCompletionSource<ChatMessage> Done { get; } = new();
    }
}

/// <summary>The history could not take a write; the sender is told, and nothing is acked.</summary>
public sealed class HistoryUnavailableException : Exception
{
    private HistoryUnavailableException(string message, Exception? inner)
        : base(message, inner)
    {
    }

    public static HistoryUnavailableException NotSaved(string reason, Exception? inner = null) =>
        new($"The message was not saved because {reason}. Try again in a moment.", inner);

    /// <summary>The store may have committed it: the sender should look before sending it again.</summary>
    public static HistoryUnavailableException MaybeSaved(string reason, Exception? inner = null) =>
        new($"The message may not have been saved: {reason}. Check the history before sending it again.", inner);
}

/// <summary>The store lost contact while committing, so the batch may or may not be stored.</summary>
public sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("The history store stopped answering during a commit; its outcome is unknown.", inner);
