using System.IO.Pipelines;
using Chat.Server.Configuration;
using Microsoft.AspNetCore.Connections;

namespace Chat.Server.Hubs;

/// <summary>
/// Keeps a client that stops reading from slowing anyone else down. SignalR waits for a connection's
/// output pipe to drain when it is full, and a broadcast waits for every connection; this guard sits
/// between the hub and the pipe, so a full pipe makes a writer wait at most
/// <see cref="SlowClientOptions.WaitMilliseconds"/> from the moment it filled: clients that keep up, even
/// barely, pace the senders, and one that stalls is left behind after that one pause. What piles up for a
/// stalled client is bounded: past <see cref="SlowClientOptions.MaxBufferBytes"/> or
/// <see cref="SlowClientOptions.MaxStallSeconds"/> its connection is aborted. It can reconnect and
/// catch up with <c>GetHistory</c>.
/// </summary>
internal sealed partial class SlowClientGuard(SlowClientOptions limits, TimeProvider clock, ILogger<SlowClientGuard> logger)
{
    /// <summary>Connection middleware: wraps the connection's output before the hub handler sees it.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection =>
    {
        var output = new BoundedOutput(connection, limits, clock, this);
        connection.Transport = new GuardedTransport(connection.Transport.Input, output);
        return next(connection);
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped connection {ConnectionId}: it stopped reading ({Bytes} bytes waiting for {Seconds:F1} s)")]
    private partial void LogDropped(string connectionId, long bytes, double seconds);

    private sealed class GuardedTransport(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private sealed class BoundedOutput(ConnectionContext connection, SlowClientOptions limits, TimeProvider clock, SlowClientGuard guard) : PipeWriter, IDeferredFlush
    {
        private readonly PipeWriter _inner = connection.Transport.Output;

        // A deferred flush (see WriteCoalescing) must not land in the middle of another thread's write.
        private readonly Lock _sync = new();
        private bool _writing; // a writer has asked for memory and not flushed yet
        private bool _marked; // a flush waits for the end of a coalescing scope

        private long _written;
        private long _writtenWhenStalled;
        private long _stalledSince; // timestamp; 0 while the client keeps up
        private Task? _draining;
        private volatile bool _leftBehind; // waited for once in this stall, in vain (reset when the next stall starts)
        private bool _dropped;

        public override void Advance(int bytes)
        {
            _written += bytes;
            _inner.Advance(bytes);
        }

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            StartWriting();
            return _inner.GetMemory(sizeHint);
        }

        public override Span<byte> GetSpan(int sizeHint = 0)
        {
            StartWriting();
            return _inner.GetSpan(sizeHint);
        }

        public override void CancelPendingFlush() => _inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => _inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

        public override bool CanGetUnflushedBytes => _inner.CanGetUnflushedBytes;

        public override long UnflushedBytes => _inner.UnflushedBytes;

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            var scope = WriteCoalescing.Current;
            lock (_sync)
            {
                _writing = false;
                if (scope is null)
                {
                    _marked = false;
                    return FlushNow(cancellationToken);
                }

                if (_marked)
                {
                    return Flushed;
                }

                _marked = true;
            }

            scope.Mark(this);
            return Flushed;
        }

        public ValueTask<FlushResult> FlushDeferred()
        {
            lock (_sync)
            {
                // Nothing to do if a writer flushed since, and a write under way carries these bytes with its own flush.
                var flush = _marked && !_writing ? FlushNow(CancellationToken.None) : Flushed;
                _marked = false;
                return flush;
            }
        }

        private ValueTask<FlushResult> Flushed => new(new FlushResult(isCanceled: false, isCompleted: _dropped));

        private void StartWriting()
        {
            if (!_writing)
            {
                lock (_sync)
                {
                    _writing = true;
                }
            }
        }

        private ValueTask<FlushResult> FlushNow(CancellationToken cancellationToken)
        {
            // The pipe makes the written bytes readable at once; only the wait for room is bounded.
            var flush = _inner.FlushAsync(cancellationToken);
            if (flush.IsCompleted)
            {
                return flush;
            }

            if (_draining is null || _draining.IsCompleted)
            {
                // First flush the pipe holds back: remember when, and notice when the client catches up.
                Volatile.Write(ref _stalledSince, clock.GetTimestamp());
                _writtenWhenStalled = _written;
                _leftBehind = false;
                _draining = ResetWhenDrainedAsync(flush);
            }

            // Any later flush while stalled is the same pending wait, already awaited once above.
            var waiting = _written - _writtenWhenStalled;
            var since = Volatile.Read(ref _stalledSince);
            var stalled = since == 0 ? TimeSpan.Zero : clock.GetElapsedTime(since);
            if (!_dropped && (waiting > limits.MaxBufferBytes || stalled.TotalSeconds > limits.MaxStallSeconds))
            {
                _dropped = true;
                guard.LogDropped(connection.ConnectionId, waiting, stalled.TotalSeconds);
                connection.Abort(new ConnectionAbortedException("The client stopped reading; its connection was dropped."));
            }

            // In the first moments of a stall the writer waits for room (a client that keeps up, even
            // barely, paces the senders); after that it goes on at once, and the limits above decide.
            var patience = TimeSpan.FromMilliseconds(limits.WaitMilliseconds) - stalled;
            return _dropped || _leftBehind || patience <= TimeSpan.Zero ? Flushed : WaitForRoomAsync(_draining, patience);
        }

        private async ValueTask<FlushResult> WaitForRoomAsync(Task draining, TimeSpan patience)
        {
            try
            {
                await draining.WaitAsync(patience, clock);
            }
            catch (TimeoutException)
            {
                // Still full: go on without it, and do not wait for it again until it has caught up.
                _leftBehind = true;
            }

            return new FlushResult(isCanceled: false, isCompleted: _dropped);
        }

        private async Task ResetWhenDrainedAsync(ValueTask<FlushResult> flush)
        {
            try
            {
                await flush;
            }
            catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
            {
                // The connection is going away; nothing to reset.
            }

            Volatile.Write(ref _stalledSince, 0);
        }
    }
}
