using System.IO.Pipelines;
using Chat.Server.Configuration;
using Microsoft.AspNetCore.Connections;

namespace Chat.Server.Hubs;

/// <summary>
/// Keeps a client that stops reading from slowing anyone else down. SignalR waits for a connection's
/// output pipe to drain when it is full, and a broadcast waits for every connection; this guard sits
/// between the hub and the pipe, so a full pipe never makes the hub wait. What piles up for a stalled
/// client is bounded: past <see cref="SlowClientOptions.MaxBufferBytes"/> or
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
                    return new ValueTask<FlushResult>(FlushNow(cancellationToken));
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

        public void FlushDeferred()
        {
            lock (_sync)
            {
                // Nothing to do if a writer flushed since, and a write under way carries these bytes with its own flush.
                if (_marked && !_writing)
                {
                    FlushNow(CancellationToken.None);
                }

                _marked = false;
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

        private FlushResult FlushNow(CancellationToken cancellationToken)
        {
            // The pipe makes the written bytes readable at once; only the wait for room is skipped.
            var flush = _inner.FlushAsync(cancellationToken);
            if (flush.IsCompleted)
            {
                return flush.Result;
            }

            if (_draining is null || _draining.IsCompleted)
            {
                // First flush the pipe holds back: remember when, and notice when the client catches up.
                Volatile.Write(ref _stalledSince, clock.GetTimestamp());
                _writtenWhenStalled = _written;
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
