using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Chat.Bench;

/// <summary>
/// One hub connection spoken in SignalR's JSON protocol over a bare WebSocket (negotiate skipped). It reads
/// only what a benchmark needs from each record, into one buffer, so one process can drive thousands.
/// </summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1e;
    private static readonly byte[] Handshake = "{\"protocol\":\"json\",\"version\":1}\u001e"u8.ToArray();
    private static readonly byte[] Ping = "{\"type\":6}\u001e"u8.ToArray();

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1); // a WebSocket takes one send at a time
    private readonly ConcurrentDictionary<long, TaskCompletionSource<string?>> _invocations = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<long?>> _messageCalls = new(); // calls whose answer is a message: its id is read
    private readonly TaskCompletionSource _handshake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DeliveryLog? _log;
    private byte[] _buffer;
    private bool _handshaken;
    private volatile bool _stalled;
    private volatile bool _disposed;
    private Task _receiving = Task.CompletedTask;
    private long _lastInvocationId;
    private long _userLeftAt;
    private long _usersJoined;
    private long _usersLeft;

    private RawConnection(ClientWebSocket socket, DeliveryLog? log, int bufferBytes)
    {
        _socket = socket;
        _log = log;
        _buffer = new byte[bufferBytes];
    }

    /// <summary>When this connection first heard <c>UserLeft</c> (a Stopwatch timestamp), or 0.</summary>
    public long UserLeftAt => Volatile.Read(ref _userLeftAt);

    /// <summary>How many <c>UserJoined</c> this connection has heard, to tell when the presence announcements of a connect are over.</summary>
    public long UsersJoined => Volatile.Read(ref _usersJoined);

    /// <summary>How many <c>UserLeft</c> this connection has heard.</summary>
    public long UsersLeft => Volatile.Read(ref _usersLeft);

    /// <summary>
    /// Where the <c>ReceiveMessage</c> and <c>MessageUpdated</c> records go (null: nowhere); a benchmark that reuses the connection gives
    /// each run a fresh log.
    /// </summary>
    public DeliveryLog? Log
    {
        get => Volatile.Read(ref _log);
        set => Volatile.Write(ref _log, value);
    }

    /// <summary>What <see cref="CallAsync"/> returns when the connection closed before the answer came.</summary>
    public const string Lost = "The connection closed before the answer came.";

    /// <summary>The first error a completion carried, for the report.</summary>
    public string? FirstError { get; private set; }

    /// <summary>True once the connection ended by itself (the server closed or dropped it), not by <see cref="Stall"/> or disposal.</summary>
    public bool IsClosed => _receiving.IsCompleted && !_stalled && !_disposed;

    /// <summary>The server's Close message (<c>{"type":7,...}</c>), if it sent one, for the report.</summary>
    public string? CloseMessage { get; private set; }

    /// <summary>
    /// Connects as <paramref name="user"/> (null: a guest) and completes the handshake; it reads until
    /// <see cref="Stall"/> is called.
    /// </summary>
    public static async Task<RawConnection> ConnectAsync(
        Uri server, string? user, DeliveryLog? log, CancellationToken cancellationToken, int bufferBytes = 16 * 1024)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero; // SignalR pings (RawClients) keep it alive
        var address = new UriBuilder(server)
        {
            Scheme = "ws",
            Path = "/hubs/chat",
            Query = user is null ? "" : $"user={Uri.EscapeDataString(user)}",
        };
        var connection = new RawConnection(socket, log, bufferBytes);
        try
        {
            await socket.ConnectAsync(address.Uri, cancellationToken);
            await connection.SendAsync(Handshake, cancellationToken);
            connection._receiving = connection.ReceiveAsync();
            await connection._handshake.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Invokes <c>SendMessage(text, user)</c>; completes with true on its ack, false on an error or a lost connection.</summary>
    public Task<bool> SendMessageAsync(string text, string user, CancellationToken cancellationToken) =>
        InvokeAsync(nameof(IChatHub.SendMessage), $"\"{text}\",\"{user}\"", cancellationToken);

    /// <summary>Invokes <c>SendToRoom(room, text, null)</c>; completes with true on its ack, false on an error or a lost connection.</summary>
    public Task<bool> SendToRoomAsync(string room, string text, CancellationToken cancellationToken) =>
        InvokeAsync(nameof(IChatHub.SendToRoom), $"\"{room}\",\"{text}\",null", cancellationToken);

    /// <summary>Invokes <c>SendMessage(text, user)</c>; completes with the stored message's id, or null on an error or a lost connection.</summary>
    public Task<long?> SendMessageForIdAsync(string text, string user, CancellationToken cancellationToken) =>
        CallForIdAsync(nameof(IChatHub.SendMessage), $"\"{text}\",\"{user}\"", cancellationToken);

    /// <summary>Invokes <c>EditMessage(room, id, text)</c>; completes with true on its answer, false on an error or a lost connection.</summary>
    public Task<bool> EditMessageAsync(string room, long id, string text, CancellationToken cancellationToken) =>
        InvokeAsync(nameof(IChatHub.EditMessage), string.Create(CultureInfo.InvariantCulture, $"\"{room}\",{id},\"{text}\""), cancellationToken);

    /// <summary>Invokes <c>AddReaction(room, id, emoji)</c>; completes with true on its ack, false on an error or a lost connection.</summary>
    public Task<bool> AddReactionAsync(string room, long id, string emoji, CancellationToken cancellationToken) =>
        InvokeAsync(nameof(IChatHub.AddReaction), string.Create(CultureInfo.InvariantCulture, $"\"{room}\",{id},\"{emoji}\""), cancellationToken);

    /// <summary>Invokes <c>RemoveReaction(room, id, emoji)</c>; completes with true on its ack, false on an error or a lost connection.</summary>
    public Task<bool> RemoveReactionAsync(string room, long id, string emoji, CancellationToken cancellationToken) =>
        InvokeAsync(nameof(IChatHub.RemoveReaction), string.Create(CultureInfo.InvariantCulture, $"\"{room}\",{id},\"{emoji}\""), cancellationToken);

    /// <summary>Invokes <c>JoinRoom(room)</c>; completes with true once the user is a member, false on an error or a lost connection.</summary>
    public Task<bool> JoinRoomAsync(string room, CancellationToken cancellationToken) =>
        InvokeAsync(nameof(IChatHub.JoinRoom), $"\"{room}\"", cancellationToken);

    /// <summary>Sends a SignalR ping, so the server does not time an idle client out (30 s by default).</summary>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await SendAsync(Ping, cancellationToken);
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A closed connection needs no ping; the benchmark notices what it misses.
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Abort rather than close: a benchmark ends with the server already stopped, or about to be.
        _disposed = true;
        _socket.Abort();
        await _receiving;
        _socket.Dispose();
        _sending.Dispose();
    }

    /// <summary>
    /// Invokes the hub method <paramref name="target"/> with <paramref name="arguments"/> (the JSON array's content, which
    /// needs no escaping); completes with null on its answer, or with the error it carried (<see cref="Lost"/>: no answer).
    /// </summary>
    public async Task<string?> CallAsync(string target, string arguments, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _lastInvocationId);
        var done = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[id] = done;
        if (!await TrySendInvocationAsync(id, target, arguments, cancellationToken))
        {
            _invocations.TryRemove(id, out _);
            return Lost;
        }

        return await done.Task;
    }

    /// <summary>
    /// Invokes a hub method that answers with a message; completes with that message's <c>id</c>, or null on an error (see
    /// <see cref="FirstError"/>) or a lost connection.
    /// </summary>
    private async Task<long?> CallForIdAsync(string target, string arguments, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _lastInvocationId);
        var done = new TaskCompletionSource<long?>(TaskCreationOptions.RunContinuationsAsynchronously);
        _messageCalls[id] = done;
        if (!await TrySendInvocationAsync(id, target, arguments, cancellationToken))
        {
            _messageCalls.TryRemove(id, out _);
            return null;
        }

        return await done.Task;
    }

    /// <summary>Writes the invocation frame; false when the connection is gone.</summary>
    private async Task<bool> TrySendInvocationAsync(long id, string target, string arguments, CancellationToken cancellationToken)
    {
        // The texts, names and rooms the benchmarks send need no JSON escaping.
        var frame = Encoding.UTF8.GetBytes(string.Create(
            CultureInfo.InvariantCulture,
            $"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":\"{target}\",\"arguments\":[{arguments}]}}\u001e"));
        try
        {
            await SendAsync(frame, cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Invokes the hub method <paramref name="target"/> with <paramref name="arguments"/> (the JSON array's content); true on its ack.</summary>
    private async Task<bool> InvokeAsync(string target, string arguments, CancellationToken cancellationToken) =>
        await CallAsync(target, arguments, cancellationToken) is null;

    private async Task SendAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>Stops reading after the current receive: from then on the client looks stalled to the server.</summary>
    public void Stall() => _stalled = true;

    private async Task ReceiveAsync()
    {
        var filled = 0;
        try
        {
            while (!_stalled || !_handshaken)
            {
                if (filled == _buffer.Length)
                {
                    // One record longer than the buffer: grow it, once for that size.
                    Array.Resize(ref _buffer, _buffer.Length * 2);
                }

                var result = await _socket.ReceiveAsync(_buffer.AsMemory(filled), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                filled = ReadRecords(filled + result.Count, Stopwatch.GetTimestamp());
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // The server dropped the connection, or the benchmark aborted it.
        }
        finally
        {
            _handshake.TrySetException(new InvalidOperationException("The connection closed during the handshake."));
            foreach (var pending in _invocations.Values)
            {
                pending.TrySetResult(Lost);
            }

            foreach (var pending in _messageCalls.Values)
            {
                pending.TrySetResult(null);
            }
        }
    }

    /// <summary>Handles every complete record in the buffer and moves a partial one to its start; returns the bytes left.</summary>
    private int ReadRecords(int filled, long now)
    {
        var data = _buffer.AsSpan(0, filled);
        int end;
        while ((end = data.IndexOf(RecordSeparator)) >= 0)
        {
            OnRecord(data[..end], now);
            data = data[(end + 1)..];
        }

        data.CopyTo(_buffer);
        return data.Length;
    }

    private void OnRecord(ReadOnlySpan<byte> record, long now)
    {
        if (!_handshaken)
        {
            _handshaken = true;
            if (record.IndexOf("\"error\""u8) >= 0)
            {
                _handshake.TrySetException(new InvalidOperationException($"Handshake refused: {Encoding.UTF8.GetString(record)}"));
            }
            else
            {
                _handshake.TrySetResult();
            }

            return;
        }

        var type = Json.After(record, "\"type\":"u8);
        if (type.IsEmpty)
        {
            return;
        }

        if (type[0] == (byte)'1')
        {
            var target = Json.After(record, "\"target\":\""u8);
            if (target.StartsWith("ReceiveMessage\""u8))
            {
                Log?.Record(record, now);
            }
            else if (target.StartsWith("MessageUpdated\""u8))
            {
                Log?.RecordUpdate(record, now);
            }
            else if (target.StartsWith("UserJoined\""u8))
            {
                Volatile.Write(ref _usersJoined, _usersJoined + 1); // only this loop writes it
            }
            else if (target.StartsWith("UserLeft\""u8))
            {
                Interlocked.CompareExchange(ref _userLeftAt, now, 0);
                Volatile.Write(ref _usersLeft, _usersLeft + 1);
            }
        }
        else if (type[0] == (byte)'3')
        {
            OnCompletion(record);
        }
        else if (type[0] == (byte)'7')
        {
            // The first says why (a refusal's reason); SignalR may send a bare one after it as the connection ends.
            CloseMessage ??= Encoding.UTF8.GetString(record);
        }
    }

    private void OnCompletion(ReadOnlySpan<byte> record)
    {
        if (!Utf8Parser.TryParse(Json.After(record, "\"invocationId\":\""u8), out long id, out _))
        {
            return;
        }

        if (_invocations.TryRemove(id, out var pending))
        {
            pending.TrySetResult(Error(record));
        }
        else if (_messageCalls.TryRemove(id, out var call))
        {
            // {"type":3,"invocationId":"7","result":{"id":42,...}}: the message's id is its first property.
            call.TrySetResult(Error(record) is null && Utf8Parser.TryParse(Json.After(Json.After(record, "\"result\":"u8), "\"id\":"u8), out long messageId, out _)
                ? messageId
                : null);
        }
    }

    /// <summary>The error a completion carried (kept as <see cref="FirstError"/> if it is the first), or null.</summary>
    private string? Error(ReadOnlySpan<byte> record)
    {
        if (record.IndexOf("\"error\":"u8) < 0)
        {
            return null;
        }

        var error = Json.StringProperty(record, "error"u8);
        FirstError ??= error;
        return error;
    }
}
