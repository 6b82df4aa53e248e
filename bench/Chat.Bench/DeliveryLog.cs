using System.Buffers.Text;

namespace Chat.Bench;

/// <summary>
/// What one receiver got in a run: every measured message at most once and, per sender, in order; when
/// messages came (gaps) and how long each took (latency); with positions kept, the <c>MessageUpdated</c>
/// records too, and whether messages and changes came in position order. Written only by its connection's
/// receive loop; read by the benchmark once <see cref="Received"/> (and <see cref="Updates"/>) say enough arrived.
/// </summary>
internal sealed class DeliveryLog
{
    private readonly int _messages;
    private readonly int _senders;
    private readonly ulong[] _seen;
    private readonly long[] _lastBySender;
    private readonly long[]? _latencies;
    private readonly bool _positions;
    private long _received;
    private long _records;
    private long _warmUpSeen = -1;
    private long _warmUpReceived;
    private long _updates;
    private long _warmUpUpdates;
    private long _lastPosition = -1;
    private long _awaitedCount = long.MaxValue;
    private byte _awaitedPhase = BenchText.Measured;
    private TaskCompletionSource? _awaited;

    /// <summary>
    /// A log for measured sequence numbers 0 to <paramref name="messages"/> - 1, sender <c>s</c> sending those with <c>seq % senders == s</c>;
    /// with <paramref name="positions"/>, it also reads each message's id and each change's version to check they come in position order.
    /// </summary>
    public DeliveryLog(int messages, int senders, bool keepLatencies, bool positions = false)
    {
        _positions = positions;
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

    /// <summary>
    /// <c>MessageUpdated</c> records of measured messages (their text, or their edited text, starts with the measured phase); each
    /// change once, unless <see cref="OutOfPosition"/> says otherwise.
    /// </summary>
    public long Updates => Volatile.Read(ref _updates);

    /// <summary><c>MessageUpdated</c> records of warm-up messages.</summary>
    public long WarmUpUpdates => Volatile.Read(ref _warmUpUpdates);

    /// <summary>
    /// With positions kept: messages (by id) and changes (by version) that came at or below the highest position before them
    /// (duplicated or out of position order) or without one, warm-up included.
    /// </summary>
    public long OutOfPosition { get; private set; }

    /// <summary>Stopwatch timestamp of the latest <c>MessageUpdated</c> of a measured message.</summary>
    public long LastUpdateAt { get; private set; }

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
        if (_positions)
        {
            // {"type":1,"target":"ReceiveMessage","arguments":[{"id":42,...}]}
            Follow(Json.After(record, "\"id\":"u8));
        }

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

    /// <summary>
    /// Takes one <c>MessageUpdated</c> record, received at Stopwatch timestamp <paramref name="now"/>: counts it by the phase its text
    /// starts with (a reaction leaves the benchmark's text, an edit writes one that starts with the phase too).
    /// </summary>
    public void RecordUpdate(ReadOnlySpan<byte> record, long now)
    {
        if (_positions)
        {
            Follow(Json.After(record, "\"version\":"u8));
        }

        var text = Json.After(record, "\"text\":\""u8);
        if (text.IsEmpty)
        {
            return;
        }

        if (text[0] == BenchText.Measured)
        {
            LastUpdateAt = now;
            Volatile.Write(ref _updates, _updates + 1);
        }
        else if (text[0] == BenchText.WarmUp)
        {
            Volatile.Write(ref _warmUpUpdates, _warmUpUpdates + 1);
        }
    }

    /// <summary>Checks that the position at the start of <paramref name="value"/> is above every one before it.</summary>
    private void Follow(ReadOnlySpan<byte> value)
    {
        if (!Utf8Parser.TryParse(value, out long position, out _) || position <= _lastPosition)
        {
            OutOfPosition++;
            return;
        }

        _lastPosition = position;
    }

    private void Signal(byte phase, long count)
    {
        if (Volatile.Read(ref _awaited) is { } awaited && Volatile.Read(ref _awaitedPhase) == phase && count >= Volatile.Read(ref _awaitedCount))
        {
            awaited.TrySetResult();
        }
    }
}
