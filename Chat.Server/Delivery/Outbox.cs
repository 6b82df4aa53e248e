using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Delivery;

/// <summary>
/// What waits to be written to one connection, in order. Whoever finds the connection idle writes to it:
/// the fan-out itself for a client that keeps up (no hand-off), the previous write's continuation for one
/// that lags. Nothing that sends to a connection ever waits for it; what waits is counted here and in the
/// <see cref="DeliveryBudget"/>, and a connection past its limits is dropped, so its client reconnects and
/// catches up from the history.
/// </summary>
internal sealed class Outbox(HubConnectionContext connection, DeliveryBudget budget)
{
    private readonly Lock _lock = new();
    private Queue<Frame>? _queue;
    private TaskCompletionSource? _belowHalf;
    private long _bytes; // queued, plus the write under way once it has to wait
    private long _waitingSince; // when the write under way started waiting for the client; 0 when none waits
    private long _writes; // writes finished so far: the client's progress
    private bool _writing;
    private bool _leftBehind;
    private bool _closed;

    public HubConnectionContext Connection => connection;

    /// <summary>Bytes waiting for this client.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>When the write under way started waiting for the client (a timestamp), or 0.</summary>
    public long WaitingSince => Volatile.Read(ref _waitingSince);

    /// <summary>Writes finished so far; a client whose count does not move is not reading.</summary>
    public long Writes => Interlocked.Read(ref _writes);

    /// <summary>More than half of its buffer waits for this client.</summary>
    public bool Behind => Bytes > budget.Limits.MaxBufferBytes / 2;

    public bool IsClosed
    {
        get
        {
            lock (_lock)
            {
                return _closed;
            }
        }
    }

    /// <summary>Queues <paramref name="frame"/>, or writes it at once when the connection is idle.</summary>
    public void Send(Frame frame)
    {
        bool writeNow, overLimit = false;
        lock (_lock)
        {
            if (_closed)
            {
                return;
            }

            writeNow = !_writing;
            if (writeNow)
            {
                _writing = true;
            }
            else
            {
                (_queue ??= new Queue<Frame>()).Enqueue(frame);
                var half = budget.Limits.MaxBufferBytes / 2;
                if (_bytes <= half && _bytes + frame.Size > half && !_leftBehind)
                {
                    budget.FellBehind(this);
                }

                _bytes += frame.Size;
                budget.Charge(frame.Size);
                overLimit = _bytes > budget.Limits.MaxBufferBytes;
            }
        }

        if (writeNow)
        {
            WriteFrom(frame, charged: false);
        }
        else if (overLimit)
        {
            Drop($"{Bytes} bytes waiting, more than Chat:SlowClient:MaxBufferBytes ({budget.Limits.MaxBufferBytes})");
        }
    }

    /// <summary>Completes once at most half of its buffer (<c>Chat:SlowClient:MaxBufferBytes</c>) waits for this client.</summary>
    public Task BelowHalfAsync()
    {
        lock (_lock)
        {
            if (_closed || _bytes <= budget.Limits.MaxBufferBytes / 2)
            {
                return Task.CompletedTask;
            }

            return (_belowHalf ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }
    }

    /// <summary>Commits stop waiting for this client until it has caught up.</summary>
    public void LeaveBehind()
    {
        lock (_lock)
        {
            _leftBehind = _bytes > 0;
        }
    }

    /// <summary>Drops the connection: what waits for it is let go, and its client reconnects and catches up.</summary>
    public void Drop(string why)
    {
        if (Close())
        {
            budget.Dropped(connection.ConnectionId, why);

            // Not HubConnectionContext.Abort(), which tells the client not to reconnect: the transport is
            // cut instead (nothing more can reach a client that does not read), and SignalR's clients
            // reconnect by themselves after a lost transport.
            connection.Features.Get<IConnectionLifetimeFeature>()?.Abort();
        }
    }

    /// <summary>Stops taking frames and lets go of what waits (the connection is gone). False if already closed.</summary>
    public bool Close()
    {
        long released;
        lock (_lock)
        {
            if (_closed)
            {
                return false;
            }

            _closed = true;
            released = _queue?.Sum(frame => (long)frame.Size) ?? 0;
            _queue = null;
            _bytes -= released;
            _belowHalf?.TrySetResult();
            _belowHalf = null;
        }

        budget.Release(released);
        return true;
    }

    /// <summary>Writes <paramref name="frame"/>, then whatever queued meanwhile, until the queue is empty or a write must wait.</summary>
    private void WriteFrom(Frame frame, bool charged)
    {
        while (true)
        {
            var write = connection.WriteAsync(frame.For(connection.Protocol));
            if (!write.IsCompletedSuccessfully)
            {
                if (!charged)
                {
                    lock (_lock)
                    {
                        _bytes += frame.Size;
                    }

                    budget.Charge(frame.Size);
                }

                Volatile.Write(ref _waitingSince, budget.Clock.GetTimestamp());
                _ = FinishAsync(write, frame);
                return;
            }

            if (Written(frame, charged) is not { } next)
            {
                return;
            }

            frame = next;
            charged = true;
        }
    }

    private async Task FinishAsync(ValueTask write, Frame frame)
    {
        // HubConnectionContext.WriteAsync never throws: a failed write aborts the connection.
        await write;
        Volatile.Write(ref _waitingSince, 0);
        if (Written(frame, charged: true) is { } next)
        {
            WriteFrom(next, charged: true);
        }
    }

    /// <summary>Accounts for a finished write; returns the next frame to write, or null when done for now.</summary>
    private Frame? Written(Frame frame, bool charged)
    {
        Interlocked.Increment(ref _writes);
        if (charged)
        {
            budget.Release(frame.Size);
        }

        lock (_lock)
        {
            if (charged)
            {
                _bytes -= frame.Size;
            }

            if (!_closed)
            {
                budget.Written(frame.ChatMessages);
            }

            if (_belowHalf is not null && _bytes <= budget.Limits.MaxBufferBytes / 2)
            {
                _belowHalf.TrySetResult();
                _belowHalf = null;
            }

            if (_closed || _queue is not { Count: > 0 } queue)
            {
                _writing = false;
                _leftBehind = false;
                return null;
            }

            // A queued frame was charged when it was queued; it stays charged until written.
            return queue.Dequeue();
        }
    }
}
