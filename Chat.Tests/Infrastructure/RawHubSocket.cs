using System.Net.WebSockets;
using System.Text;

namespace Chat.Tests.Infrastructure;

/// <summary>A hub connection spoken by hand over a WebSocket: for frames no real client would send.</summary>
internal sealed class RawHubSocket : IDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly WebSocket _socket;
    private readonly Queue<string> _records = new();

    private RawHubSocket(WebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    /// <summary>Connects to the in-memory server (skipping negotiate, as WebSocket clients may) and completes the JSON handshake.</summary>
    public static async Task<RawHubSocket> ConnectAsync(ChatApplication app, string? user = null)
    {
        var socket = await app.Server.CreateWebSocketClient().ConnectAsync(HubUri(app.Server.BaseAddress, user), CancellationToken.None).DefaultTimeout();
        return await HandshakeAsync(socket);
    }

    /// <summary>Connects to a server over the network and completes the JSON handshake.</summary>
    public static async Task<RawHubSocket> ConnectAsync(Uri server, string? user = null)
    {
        var socket = new ClientWebSocket();
        await socket.ConnectAsync(HubUri(server, user), CancellationToken.None).DefaultTimeout();
        return await HandshakeAsync(socket);
    }

    private static Uri HubUri(Uri server, string? user) =>
        new UriBuilder(server) { Scheme = "ws", Path = "/hubs/chat", Query = user is null ? "" : $"user={Uri.EscapeDataString(user)}" }.Uri;

    private static async Task<RawHubSocket> HandshakeAsync(WebSocket socket)
    {
        var raw = new RawHubSocket(socket);
        await raw.SendTextAsync("{\"protocol\":\"json\",\"version\":1}" + RecordSeparator);
        var handshake = await raw.ReceiveAsync();
        handshake.Should().Be("{}" + RecordSeparator, "the server accepts the JSON protocol handshake");
        return raw;
    }

    public Task SendTextAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);

    public Task SendAsync(byte[] bytes, WebSocketMessageType type) =>
        _socket.SendAsync(bytes, type, endOfMessage: true, CancellationToken.None).DefaultTimeout();

    /// <summary>The next hub message (with its record separator), or null once the server has closed the socket.</summary>
    public async Task<string?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        while (!_records.TryPeek(out _))
        {
            var result = await _socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            text.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                // One WebSocket message may carry several hub messages, each ended by the separator.
                foreach (var record in Encoding.UTF8.GetString(text.ToArray()).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    _records.Enqueue(record + RecordSeparator);
                }

                text.SetLength(0);
            }
        }

        return _records.Dequeue();
    }

    /// <summary>The hub messages of the next WebSocket message (several when the server wrote them together), or null once closed.</summary>
    public async Task<string[]?> ReceiveFrameAsync()
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            text.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
            {
                return Encoding.UTF8.GetString(text.ToArray()).Split(RecordSeparator, StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    /// <summary>Reads until the server closes the socket; returns the frames seen before that.</summary>
    public async Task<List<string>> ReceiveUntilClosedAsync()
    {
        var frames = new List<string>();
        try
        {
            while (await ReceiveAsync() is { } frame)
            {
                frames.Add(frame);
            }
        }
        catch (WebSocketException)
        {
            // An abort instead of a close handshake is also a close.
        }

        return frames;
    }

    /// <summary>Reads and discards everything until the socket closes, so the server never waits on this client.</summary>
    public async Task DrainAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while ((await _socket.ReceiveAsync(buffer, CancellationToken.None)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception exception) when (exception is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Closed by the server or by the test.
        }
    }

    /// <summary>Drops the transport with no close handshake, as a crashed client would.</summary>
    public void Abort() => _socket.Abort();

    public void Dispose() => _socket.Dispose();
}
