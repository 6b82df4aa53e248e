using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A hub connection over a raw WebSocket with a tiny receive window that completes the handshake and then
/// reads nothing (and acks nothing), while it pings every second so that only the server's slow-client
/// limits can drop it. It can ask for stateful reconnect as the official clients do, and try to resume.
/// </summary>
internal sealed class StalledClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pinging;

    private StalledClient(ClientWebSocket socket, string connectionToken, bool offeredStatefulReconnect)
    {
        _socket = socket;
        ConnectionToken = connectionToken;
        OfferedStatefulReconnect = offeredStatefulReconnect;
        _pinging = KeepPingingAsync();
    }

    /// <summary>The token from negotiate, which a stateful client resumes with.</summary>
    public string ConnectionToken { get; }

    /// <summary>Whether the server's negotiate answer turned stateful reconnect on.</summary>
    public bool OfferedStatefulReconnect { get; }

    /// <summary>Negotiates (asking for stateful reconnect when <paramref name="stateful"/>), connects and completes the handshake.</summary>
    public static async Task<StalledClient> ConnectAsync(Uri server, string user, bool stateful = false)
    {
        using var http = new HttpClient { BaseAddress = server };
        using var negotiate = await http.PostAsync(
            $"/hubs/chat/negotiate?negotiateVersion=1&user={Uri.EscapeDataString(user)}{(stateful ? "&useStatefulReconnect=true" : "")}", content: null).DefaultTimeout();
        negotiate.EnsureSuccessStatusCode();
        using var answer = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync());
        var token = answer.RootElement.GetProperty("connectionToken").GetString()!;
        var offered = answer.RootElement.TryGetProperty("useStatefulReconnect", out var flag) && flag.GetBoolean();

        var socket = await OpenAsync(server, user, token);
        await SendAsync(socket, $"{{\"protocol\":\"json\",\"version\":{(stateful ? 2 : 1)}}}\u001e");
        var buffer = new byte[1024];
        var handshake = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
        Encoding.UTF8.GetString(buffer, 0, handshake.Count).Should().StartWith("{}\u001e", "the server accepts the handshake");
        return new StalledClient(socket, token, offered);
    }

    /// <summary>Tries what a stateful client does after losing its transport: a new WebSocket with the same connection token. Returns whether the server took it.</summary>
    public static async Task<bool> TryResumeAsync(Uri server, string user, string connectionToken)
    {
        try
        {
            using var socket = await OpenAsync(server, user, connectionToken);
            await SendAsync(socket, "{\"type\":9,\"sequenceId\":1}\u001e");
            var buffer = new byte[1024];
            var answer = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
            return answer.MessageType != WebSocketMessageType.Close;
        }
        catch (WebSocketException)
        {
            // Refused (the server answered the upgrade with an error status).
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pinging;
        _socket.Dispose();
        _stop.Dispose();
    }

    private static async Task<ClientWebSocket> OpenAsync(Uri server, string user, string connectionToken)
    {
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        var socket = new ClientWebSocket();
        var uri = new UriBuilder(server) { Scheme = "ws", Path = "/hubs/chat", Query = $"id={connectionToken}&user={Uri.EscapeDataString(user)}" }.Uri;
        await socket.ConnectAsync(uri, new HttpMessageInvoker(handler, disposeHandler: false), CancellationToken.None).DefaultTimeout();
        return socket;
    }

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();

    /// <summary>Sends a SignalR ping every second, so the server's client timeout never drops it.</summary>
    private async Task KeepPingingAsync()
    {
        var ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
        try
        {
            while (!_stop.IsCancellationRequested && _socket.State == WebSocketState.Open)
            {
                await _socket.SendAsync(ping, WebSocketMessageType.Text, true, _stop.Token);
                await Task.Delay(TimeSpan.FromSeconds(1), _stop.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // Stopped, or the server dropped the connection.
        }
    }
}
