using System.Buffers.Text;

namespace Chat.Bench;

/// <summary>
/// What one receiver got in a run: every measured message at most once and, per sender, in order; when
/// messages came (gaps) and how long each took (latency). Written only by its connection's receive loop;
/// read by the benchmark once <see cref="Received"/> says enough arrived.
/// </summary>
internal sealed class DeliveryLog
{
    private readonly int _messages;
    private readonly int _senders;
    private readonly ulong[] _seen;
    private readonly long[] _lastBySender;
    private readonly long[]? _latencies;
    private long _received;
    private long _records;
    private long _warmUpSeen = -1;
    private long _warmUpReceived;
    private long _awaitedCount = long.MaxValue;
    private byte _awaitedPhase = BenchText.Measured;
    private TaskCompletionSource? _awaited;

    /// <summary>A log for measured sequence numbers 0 to <paramref name="messages"/> - 1, sender <c>s</c> sending those with <c>seq % senders == s</c>.</summary>
    public DeliveryLog(int messages, int senders, bool keepLatencies)
    {
        _messages = messages;
        _senders = senders;
        _seen = new ulong[(messages + 63) / 64];
        _lastBySender = Enumerable.Repeat(-1L, senders).ToArray();
        _latencies = keepLatencies ? new long[messages] : null;
    }

    /// <summary>Measured messages received, each counted once.</summary>
    public long Received => Volatile.Read(ref _received);

    /// <summary>Every <c>ReceiveMessage</c> that came, of any phase or none (a connection that should get nothing counts them).</summary>
    public long Records => Volatile.Read(ref _records);

    /// <summary>Messages of <paramref name="phase"/> received: measured ones each counted once, warm-up ones as they came.</summary>
    public long Count(byte phase) => phase == BenchText.WarmUp ? Volatile.Read(ref _warmUpReceived) : Received;

    /// <summary>Completes once <paramref name="count"/> messages of <paramref name="phase"/> have been received (one caller at a time).</summary>
    public Task ReachedAsync(long count, byte phase = BenchText.Measured)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _awaitedPhase, phase);
        Volatile.Write(ref _awaitedCount, count);
        Volatile.Write(ref _awaited, reached);
        if (Count(phase) >= count)
        {
            reached.TrySetResult();
        }

        return reached.Task;
    }

    /// <summary>The highest warm-up sequence number seen, or -1.</summary>
    public long WarmUpSeen => Volatile.Read(ref _warmUpSeen);

    public long Duplicated { get; private set; }

    /// <summary>Messages that came after a later one from the same sender.</summary>
    public long Reordered { get; private set; }

    /// <summary>Stopwatch timestamp of the latest measured delivery.</summary>
    public long LastAt { get; private set; }

    /// <summary>Longest time between two measured deliveries, in Stopwatch ticks.</summary>
    public long LongestGap { get; private set; }

    /// <summary>Send-to-receive time of each measured message received, in Stopwatch ticks.</summary>
    public ReadOnlySpan<long> Latencies => _latencies.AsSpan(0, (int)Received);

    /// <summary>Takes one <c>ReceiveMessage</c> record, received at Stopwatch timestamp <paramref name="now"/>.</summary>
    public void Record(ReadOnlySpan<byte> record, long now)
    {
        Volatile.Write(ref _records, _records + 1);
        // Anything else (a message from another client) is not counted; a measured one lost that way shows as missing.
        if (!BenchText.TryRead(Json.After(record, "\"text\":\""u8), out var phase, out var sequence, out var sentAt))
        {
            return;
        }

        if (phase == BenchText.WarmUp)
        {
            Volatile.Write(ref _warmUpSeen, Math.Max(_warmUpSeen, sequence));
            Volatile.Write(ref _warmUpReceived, _warmUpReceived + 1);
            Signal(BenchText.WarmUp, _warmUpReceived);
            return;
        }

        if (phase != BenchText.Measured || sequence < 0 || sequence >= _messages)
        {
            return;
        }

        var word = (int)(sequence >> 6);
        var bit = 1UL << (int)(sequence & 63);
        if ((_seen[word] & bit) != 0)
        {
            Duplicated++;
            return;
        }

        _seen[word] |= bit;
        var sender = (int)(sequence % _senders);
        if (sequence < _lastBySender[sender])
        {
            Reordered++;
        }
        else
        {
            _lastBySender[sender] = sequence;
        }

        if (_latencies is not null)
        {
            _latencies[_received] = now - sentAt;
        }

        if (_received > 0)
        {
            LongestGap = Math.Max(LongestGap, now - LastAt);
        }

        LastAt = now;
        Volatile.Write(ref _received, _received + 1);
        Signal(BenchText.Measured, _received);
    }

    private void Signal(byte phase, long count)
    {
        if (Volatile.Read(ref _awaited) is { } awaited && Volatile.Read(ref _awaitedPhase) == phase && count >= Volatile.Read(ref _awaitedCount))
        {
            awaited.TrySetResult();
        }
    }
}
