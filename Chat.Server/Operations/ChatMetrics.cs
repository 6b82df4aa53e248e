using System.Diagnostics.Metrics;

namespace Chat.Server.Operations;

/// <summary>Chat's own instruments (meter <c>Chat.Server</c>), exported at <c>/metrics</c>.</summary>
public sealed class ChatMetrics
{
    public const string MeterName = "Chat.Server";

    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _writes;
    private readonly Histogram<double> _commitDuration;
    private readonly Histogram<long> _commitBatch;
    private long _open;

    public ChatMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _connections = meter.CreateUpDownCounter<long>("chat.connections", "{connection}", "Hub connections open now.");
        _accepted = meter.CreateCounter<long>("chat.messages.accepted", "{message}", "Messages committed to the history.");
        _rejected = meter.CreateCounter<long>("chat.messages.rejected", "{call}", "Hub calls rejected, by reason.");
        _delivered = meter.CreateCounter<long>("chat.messages.delivered", "{message}", "Messages written to connections (one per recipient).");
        _writes = meter.CreateCounter<long>("chat.connection.writes", "{write}", "Writes to connections; one write carries one or more messages.");
        _dropped = meter.CreateCounter<long>("chat.connections.dropped", "{connection}", "Connections dropped because their client fell too far behind.");
        // Seconds, from a tenth of a millisecond up (the exporter's default buckets are made for milliseconds).
        var seconds = new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] };
        _commitDuration = meter.CreateHistogram("chat.history.commit.duration", "s", "Time to commit one batch to the history store, durably (on disk).", tags: null, seconds);

        _commitBatch = meter.CreateHistogram<long>("chat.history.commit.batch", "{message}", "Messages committed together in one transaction.");
    }

    /// <summary>Connections open on this process now.</summary>
    public long OpenConnections => Interlocked.Read(ref _open);

    public void Connected()
    {
        Interlocked.Increment(ref _open);
        _connections.Add(1);
    }

    public void Disconnected()
    {
        Interlocked.Decrement(ref _open);
        _connections.Add(-1);
    }

    public void Rejected(string reason) => _rejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>One write to a connection, carrying <paramref name="messages"/> chat messages.</summary>
    public void Written(long messages)
    {
        _writes.Add(1);
        if (messages > 0)
        {
            _delivered.Add(messages);
        }
    }

    public void DroppedSlowClient() => _dropped.Add(1);

    public void Committed(int messages, TimeSpan duration)
    {
        _accepted.Add(messages);
        _commitBatch.Record(messages);
        _commitDuration.Record(duration.TotalSeconds);
    }
}
