using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback in front of a real server, for faults a test causes on purpose: every byte
/// can be delayed (both ways), forwarding can be paused (the peers see a hung network: nothing is read,
/// nothing arrives), and every connection through it can be cut.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _target;
    private readonly int? _serverReceiveBuffer;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile TaskCompletionSource _resumed = Completed();

    /// <param name="serverReceiveBuffer">The socket buffer towards the server, when it should be small: a paused proxy then soon makes the server wait.</param>
    public TcpProxy(int targetPort, int? serverReceiveBuffer = null)
    {
        _target = targetPort;
        _serverReceiveBuffer = serverReceiveBuffer;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Added to every chunk of bytes, in both directions, before it is passed on.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>When set, a chunk from the client that contains these bytes is passed on, and then the connection is cut before the server's answer comes back.</summary>
    public byte[]? CutAfterSending { get; set; }

    /// <summary>Stops passing bytes on (and reading them) in both directions until <see cref="Resume"/>.</summary>
    public void Pause()
    {
        if (_resumed.Task.IsCompleted)
        {
            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Resume() => _resumed.TrySetResult();

    /// <summary>Cuts every connection through the proxy (new ones are still accepted).</summary>
    public void CutAll()
    {
        lock (_open)
        {
            foreach (var client in _open)
            {
                client.Client?.Close(0);
            }

            _open.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Resume();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            var server = new TcpClient { NoDelay = true };
            if (_serverReceiveBuffer is { } size)
            {
                server.ReceiveBufferSize = size;
            }

            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }

            client.NoDelay = true;
            lock (_open)
            {
                _open.Add(client);
                _open.Add(server);
            }

            _ = PumpAsync(client, server, fromClient: true);
            _ = PumpAsync(server, client, fromClient: false);
        }
    }

    /// <summary>
    /// Reads from one side and passes on to the other: a delay line, so each chunk arrives
    /// <see cref="Delay"/> after it was read however many follow it.
    /// </summary>
    private async Task PumpAsync(TcpClient from, TcpClient to, bool fromClient)
    {
        var line = System.Threading.Channels.Channel.CreateUnbounded<(DateTime Due, byte[] Bytes)>();
        var writing = WriteAsync(line.Reader, from, to, fromClient);
        try
        {
            var source = from.GetStream();
            var buffer = new byte[64 * 1024];
            while (true)
            {
                await _resumed.Task.WaitAsync(_stop.Token);
                var read = await source.ReadAsync(buffer, _stop.Token);
                if (read == 0)
                {
                    break;
                }

                line.Writer.TryWrite((DateTime.UtcNow + Delay, buffer[..read]));
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away, or the proxy stopped.
        }
        finally
        {
            line.Writer.TryComplete();
        }

        await writing;
    }

    private async Task WriteAsync(System.Threading.Channels.ChannelReader<(DateTime Due, byte[] Bytes)> line, TcpClient from, TcpClient to, bool fromClient)
    {
        try
        {
            var destination = to.GetStream();
            var tail = Array.Empty<byte>(); // the end of the last chunk, so that a marker split between two chunks is found
            await foreach (var (due, bytes) in line.ReadAllAsync(_stop.Token))
            {
                if (due > DateTime.UtcNow)
                {
                    await Task.Delay(due - DateTime.UtcNow, _stop.Token);
                }

                await _resumed.Task.WaitAsync(_stop.Token);
                if (fromClient && CutAfterSending is { } marker)
                {
                    byte[] seen = [.. tail, .. bytes];
                    if (seen.AsSpan().IndexOf(marker) >= 0)
                    {
                        // The client loses the connection first, so the server's answer cannot reach it;
                        // then the server gets what the client sent, and acts on it.
                        from.Client.Close(0);
                        await destination.WriteAsync(bytes, _stop.Token);
                        await destination.FlushAsync(_stop.Token);
                        break;
                    }

                    tail = seen[Math.Max(0, seen.Length - marker.Length + 1)..];
                }

                await destination.WriteAsync(bytes, _stop.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away, or the proxy stopped.
        }
        finally
        {
            from.Dispose();
            to.Dispose();
        }
    }

    /// <summary>The bytes of <paramref name="text"/> in UTF-8, for <see cref="CutAfterSending"/>.</summary>
    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
