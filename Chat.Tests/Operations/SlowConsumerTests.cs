using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Chat.Server.History;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Operations;

public class SlowConsumerTests
{
    [Fact]
    public async Task A_client_that_never_reads_is_dropped_while_fifty_others_receive_everything()
    {
        const int Readers = 50;
        const int Messages = 500;
        await using var chat = await RunningChat.StartAsync(
            "--Chat:RateLimit:PerSecond", "0", "--Chat:MaxMessageLength", "16000", "--Chat:SlowClient:MaxBufferBytes", "262144");
        var readers = new List<TestClient>();
        for (var i = 0; i < Readers; i++)
        {
            readers.Add(await chat.ConnectAsync($"reader{i:00}"));
        }

        await using var sender = await chat.ConnectAsync("sender");
        var text = new string('x', 16_000 - 64);

        // A warm server first (its pools and heap grown as under this load), so the growth measured below is what the stalled client costs.
        for (var n = 0; n < Messages / 2; n++)
        {
            await sender.SendAsync($"warm-up {text}", "sender");
        }

        foreach (var reader in readers)
        {
            await reader.MessagesAsync(Messages / 2);
        }

        using var stalled = await ConnectWithoutReadingAsync(chat.Url, "stalled");
        using var stopPinging = new CancellationTokenSource();
        var pinging = KeepPingingAsync(stalled, stopPinging.Token);
        await Eventually.UntilAsync(async () => (await sender.OnlineUsersAsync()).Contains("stalled"), "the stalled client is online");
        var memoryBefore = chat.Server.ResidentBytes;

        // Act: 500 messages of 16 KB, 8 MB in all: more than the stalled client's socket buffers hold.
        var acked = new List<long>();
        for (var n = 0; n < Messages; n++)
        {
            acked.Add((await sender.SendAsync($"{n:000} {text}", "sender"))!.Id);
        }

        // Assert
        foreach (var reader in readers)
        {
            (await reader.MessagesAsync(Messages)).Select(m => m.Id).Should().Equal(acked);
        }

        (await sender.NextLeftAsync()).Should().Be("stalled", "the stalled client's connection was dropped");
        chat.Server.Output.Should().Contain("stopped reading");
        var growth = chat.Server.ResidentBytes - memoryBefore;
        growth.Should().BeLessThan(64L * 1024 * 1024, "what waits for the stalled client is bounded");
        foreach (var reader in readers)
        {
            await reader.DisposeAsync();
        }

        await stopPinging.CancelAsync();
        await pinging;
    }

    /// <summary>Sends a SignalR ping every second, so the server's client timeout never drops it: only the guard can.</summary>
    private static async Task KeepPingingAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var ping = Encoding.UTF8.GetBytes("{\"type\":6}\u001e");
        try
        {
            while (!cancellationToken.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                await socket.SendAsync(ping, WebSocketMessageType.Text, true, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or WebSocketException)
        {
            // Stopped, or the server dropped the connection.
        }
    }

    /// <summary>A WebSocket hub connection with a tiny receive window that completes the handshake and then reads nothing.</summary>
    private static async Task<ClientWebSocket> ConnectWithoutReadingAsync(Uri server, string user)
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
        var uri = new UriBuilder(server) { Scheme = "ws", Path = "/hubs/chat", Query = $"user={user}" }.Uri;
        await socket.ConnectAsync(uri, new HttpMessageInvoker(handler, disposeHandler: false), CancellationToken.None).DefaultTimeout();
        await socket.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"), WebSocketMessageType.Text, true, CancellationToken.None).DefaultTimeout();
        var buffer = new byte[1024];
        var handshake = await socket.ReceiveAsync(buffer, CancellationToken.None).DefaultTimeout();
        Encoding.UTF8.GetString(buffer, 0, handshake.Count).Should().StartWith("{}\u001e");
        return socket;
    }
}
