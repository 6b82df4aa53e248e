using System.Threading.Channels;
using Chat.Server.Operations;

namespace Chat.Server.History;

/// <summary>
/// The one writer of the history, on two threads of its own. The writer commits the messages that
/// arrived together in one transaction (group commit) and acks their senders as soon as it is durable.
/// The publisher sends what was committed, in id order, while the next batches commit; it takes every
/// batch that is waiting, so each client gets one write for several messages when fan-out is the busy
/// part. Publishing from that single loop is what gives every client the messages in id order, so a
/// client that catches up with <c>GetHistory(lastSeenId)</c> never skips one. At most
/// <see cref="MaxUnpublishedBatches"/> committed batches wait to be published: past that, commits
/// wait, so fast senders are slowed to the pace of fan-out instead of piling up memory.
/// </summary>
public sealed partial class HistoryWriter(IHistoryStore store, IHistoryPublisher publisher, ChatMetrics metrics, TimeProvider clock, ILogger<HistoryWriter> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>Most messages committed in one transaction.</summary>
    public const int MaxBatch = 512;

    /// <summary>Committed batches that may wait for the publisher before the next commit waits too.</summary>
    public const int MaxUnpublishedBatches = 4;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Channel<Committed> _committed = Channel.CreateBounded<Committed>(
        new BoundedChannelOptions(MaxUnpublishedBatches) { SingleReader = true, SingleWriter = true });

    private Task _loop = Task.CompletedTask;
    private Task _publishing = Task.CompletedTask;

    /// <summary>Queues <paramref name="message"/>; completes with the stored message once it is committed.</summary>
    public Task<ChatMessage> AppendAsync(NewMessage message)
    {
        var pending = new Pending(message);
        return _queue.Writer.TryWrite(pending) ? pending.Stored.Task : Task.FromException<ChatMessage>(new HistoryUnavailableException("the server is shutting down"));
    }

    /// <summary>Deletes all history after every message queued before it, then tells the clients.</summary>
    public async Task ClearAsync()
    {
        var pending = new Pending(null);
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new HistoryUnavailableException("the server is shutting down");
        }

        await pending.Stored.Task;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        _publishing = StartLoop(Publish);
        _loop = StartLoop(Run);
    }

    // Draining happens in DisposeAsync, after the web server has stopped taking calls.
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _publishing;
    }

    /// <summary>
    /// Runs <paramref name="loop"/> on a thread of its own (a long-running task). The writer and the
    /// publisher block there (on the store, on fan-out) instead of waiting in the thread pool's queue
    /// behind the connections' own work, which is what a busy fan-out fills it with.
    /// </summary>
    private static Task StartLoop(Action loop) =>
        Task.Factory.StartNew(loop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run()
    {
        var reader = _queue.Reader;
        try
        {
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                if (reader.TryPeek(out var first) && first.Message is null)
                {
                    reader.TryRead(out _);
                    Clear(first);
                    continue;
                }

                var batch = new List<Pending>();
                var messages = new List<NewMessage>();
                while (batch.Count < MaxBatch && reader.TryPeek(out var next) && next.Message is { } message)
                {
                    reader.TryRead(out _);
                    batch.Add(next);
                    messages.Add(message);
                }

                Commit(batch, messages);
            }
        }
        finally
        {
            _committed.Writer.TryComplete();
        }
    }

    private void Commit(List<Pending> batch, List<NewMessage> messages)
    {
        ChatMessage[] stored;
        var started = clock.GetTimestamp();
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            stored = store.AppendAsync(messages, now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond)), CancellationToken.None).GetAwaiter().GetResult();
            metrics.Committed(stored.Length, clock.GetElapsedTime(started));
        }
        catch (Exception exception)
        {
            LogCommitFailed(exception, batch.Count);
            Settle(batch, null, new HistoryUnavailableException("the history store could not save it", exception));
            return;
        }

        // Durable: ack the senders, then hand the batch to the publisher (waiting if it is far behind).
        Settle(batch, stored, null);
        _committed.Writer.WriteAsync(new Committed(stored, Drained: null)).AsTask().GetAwaiter().GetResult();
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
                        batch[i].Stored.TrySetResult(stored[i]);
                    }
                    else
                    {
                        batch[i].Stored.TrySetException(failure!);
                    }
                }
            },
            (batch, stored, failure),
            preferLocal: false);

    /// <summary>The publisher loop: sends every committed batch that is waiting, together, in commit order.</summary>
    private void Publish()
    {
        var reader = _committed.Reader;
        var messages = new List<ChatMessage>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            messages.Clear();
            TaskCompletionSource? drained = null;
            while (drained is null && reader.TryRead(out var committed))
            {
                messages.AddRange(committed.Messages);
                drained = committed.Drained;
            }

            if (messages.Count > 0)
            {
                try
                {
                    publisher.PublishAsync(messages).GetAwaiter().GetResult();
                }
                catch (Exception exception)
                {
                    // The messages are committed: clients that missed them get them from GetHistory.
                    LogPublishFailed(exception, messages[0].Id, messages[^1].Id);
                }
            }

            drained?.TrySetResult();
        }
    }

    private void Clear(Pending pending)
    {
        // Everything committed before the clear reaches the clients before HistoryCleared does.
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _committed.Writer.WriteAsync(new Committed([], drained)).AsTask().GetAwaiter().GetResult();
        drained.Task.GetAwaiter().GetResult();

        try
        {
            store.ClearAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            LogCommitFailed(exception, 0);
            Settle([pending], null, new HistoryUnavailableException("the history store could not clear it", exception));
            return;
        }

        try
        {
            publisher.PublishClearedAsync().GetAwaiter().GetResult();
        }
        catch (Exception exception)
        {
            LogPublishFailed(exception, 0, 0);
        }

        Settle([pending], [null!], null);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "History commit of {Count} messages failed; their senders get an error")]
    private partial void LogCommitFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing committed messages {FirstId} to {LastId} failed")]
    private partial void LogPublishFailed(Exception exception, long firstId, long lastId);

    /// <summary>Messages committed together, for the publisher; or, with <paramref name="Drained"/>, a marker it completes once everything before it is sent.</summary>
    private sealed record Committed(ChatMessage[] Messages, TaskCompletionSource? Drained);

    /// <summary>A queued append (<see cref="Message"/> set) or clear (null).</summary>
    private sealed class Pending(NewMessage? message)
    {
        public NewMessage? Message { get; } = message;

        /// <summary>Completed only by <see cref="Settle"/>, never inline on the writer loop.</summary>
        public TaskCompletionSource<ChatMessage> Stored { get; } = new();
    }
}

/// <summary>The history could not take a write; the sender is told and nothing is acked.</summary>
public sealed class HistoryUnavailableException(string reason, Exception? inner = null)
    : Exception($"The message was not saved because {reason}. Try again in a moment.", inner);
