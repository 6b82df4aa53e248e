using System.Collections.Concurrent;
using Chat.Server.Operations;
using Microsoft.Extensions.Options;

namespace Chat.Server.Delivery;

/// <summary>
/// Bytes waiting for clients, summed over every <see cref="Outbox"/> of this server (a frame waiting for
/// a thousand connections counts a thousand times), and the clients that fell behind since the fan-out
/// last looked: what <see cref="Fanout.PaceAsync"/> decides on.
/// </summary>
internal sealed partial class DeliveryBudget(IOptions<SlowClientOptions> options, TimeProvider clock, ChatMetrics metrics, ILogger<DeliveryBudget> logger)
{
    private readonly ConcurrentQueue<Outbox> _behind = new();
    private long _total;
    private TaskCompletionSource? _underBudget;

    public SlowClientOptions Limits { get; } = options.Value;

    public TimeProvider Clock => clock;

    public long Total => Interlocked.Read(ref _total);

    public bool Over => Total > Limits.MaxTotalBytes;

    public void Charge(long bytes) => Interlocked.Add(ref _total, bytes);

    public void Release(long bytes)
    {
        if (Interlocked.Add(ref _total, -bytes) <= Limits.MaxTotalBytes && Volatile.Read(ref _underBudget) is { } waiting)
        {
            waiting.TrySetResult();
        }
    }

    /// <summary>Completes once the total is back under <c>Chat:SlowClient:MaxTotalBytes</c>.</summary>
    public Task UnderBudgetAsync()
    {
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _underBudget, waiting);
        if (!Over)
        {
            waiting.TrySetResult();
        }

        return waiting.Task;
    }

    /// <summary>An outbox just passed half its buffer: the next pacing waits for it (once).</summary>
    public void FellBehind(Outbox outbox) => _behind.Enqueue(outbox);

    /// <summary>The outboxes that fell behind since the last call.</summary>
    public List<Outbox> TakeBehind()
    {
        var behind = new List<Outbox>();
        while (_behind.TryDequeue(out var outbox))
        {
            if (!behind.Contains(outbox))
            {
                behind.Add(outbox);
            }
        }

        return behind;
    }

    /// <summary>Counts a write to a connection and the chat messages it carried.</summary>
    public void Written(int messages) => metrics.Written(messages);

    public void Dropped(string connectionId, string why)
    {
        metrics.DroppedSlowClient();
        LogDropped(connectionId, why);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped connection {ConnectionId}: the client stopped reading ({Why}); it can reconnect and catch up")]
    private partial void LogDropped(string connectionId, string why);
}
