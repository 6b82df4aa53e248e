namespace Chat.Bench;

/// <summary>Many raw connections to one server: opened in parallel, kept alive with pings, aborted together.</summary>
internal sealed class RawClients : IAsyncDisposable
{
    /// <summary>Connections opened at once: thousands connect quickly without flooding the listen backlog.</summary>
    private const int Parallelism = 64;

    private readonly Timer _keepAlive;

    private RawClients(RawConnection[] connections)
    {
        Connections = connections;
        // SignalR drops a client it has not heard from for 30 s; long runs and idle clients must ping.
        _keepAlive = new Timer(_ => Ping(connections), null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
    }

    public RawConnection[] Connections { get; }

    /// <summary>Opens <paramref name="count"/> connections with <paramref name="connect"/>(index).</summary>
    public static async Task<RawClients> ConnectAsync(int count, Func<int, CancellationToken, Task<RawConnection>> connect, CancellationToken cancellationToken)
    {
        var connections = new RawConnection[count];
        try
        {
            await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (i, token) =>
                connections[i] = await connect(i, token));
        }
        catch
        {
            await Task.WhenAll(connections.OfType<RawConnection>().Select(c => c.DisposeAsync().AsTask()));
            throw;
        }

        return new RawClients(connections);
    }

    public async ValueTask DisposeAsync()
    {
        await _keepAlive.DisposeAsync();
        await Task.WhenAll(Connections.Select(c => c.DisposeAsync().AsTask()));
    }

    private static void Ping(RawConnection[] connections)
    {
        foreach (var connection in connections)
        {
            _ = connection.PingAsync(CancellationToken.None);
        }
    }
}
