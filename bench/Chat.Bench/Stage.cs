using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// One server (fresh, or one that earlier scenarios ran on) with its raw receivers connected and warmed up: where
/// the delivery benchmarks measure. Receiver <c>i</c> is user <c>r{i}</c>; the first ones also send.
/// </summary>
internal sealed class Stage : IAsyncDisposable
{
    private readonly RawClients _clients;
    private readonly int _textLength;
    private readonly bool _ownsServer;

    private Stage(BenchServer server, bool ownsServer, RawClients clients, DeliveryLog?[] logs, int textLength)
    {
        Server = server;
        _ownsServer = ownsServer;
        _clients = clients;
        Logs = logs;
        _textLength = textLength;
    }

    public BenchServer Server { get; }

    public RawConnection[] Connections => _clients.Connections;

    /// <summary>One log per connection; null for a connection that does not read.</summary>
    public DeliveryLog?[] Logs { get; }

    /// <summary>The logs of the connections that read.</summary>
    public IEnumerable<DeliveryLog> Readers => Logs.OfType<DeliveryLog>();

    /// <summary>
    /// Starts a server that takes texts of <paramref name="textLength"/> characters and connects
    /// <paramref name="receivers"/> clients with a log from <paramref name="log"/>; the last
    /// <paramref name="stalled"/> have no log and stop reading when <see cref="Stall"/> is called. On
    /// <paramref name="on"/>, a server that stays up after the stage, when given (started by <see cref="StartServerAsync"/>).
    /// </summary>
    public static async Task<Stage> StartAsync(
        ServerKind kind, int receivers, int textLength, Func<DeliveryLog> log, CancellationToken cancellationToken, int stalled = 0, BenchServer? on = null)
    {
        var server = on ?? await StartServerAsync(kind, textLength, cancellationToken);
        var logs = new DeliveryLog?[receivers];
        try
        {
            var clients = await RawClients.ConnectAsync(receivers, (i, token) =>
            {
                logs[i] = i < receivers - stalled ? log() : null;
                return RawConnection.ConnectAsync(server.Url, $"r{i}", logs[i], token);
            }, cancellationToken);
            return new Stage(server, on is null, clients, logs, textLength);
        }
        catch
        {
            if (on is null)
            {
                await server.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>A server for stages with texts of up to <paramref name="textLength"/> characters.</summary>
    public static Task<BenchServer> StartServerAsync(ServerKind kind, int textLength, CancellationToken cancellationToken)
    {
        // Chat refuses texts over 2000 characters by default; the baseline has no such rule.
        string[] settings = kind == ServerKind.Chat ? ["--Chat:MaxMessageLength", Math.Max(2000, textLength).ToString(CultureInfo.InvariantCulture)] : [];
        return BenchServer.StartAsync(kind, cancellationToken, settings);
    }

    /// <summary>
    /// Warms the server up before a measured run: first until every reader receives, then with <paramref name="busy"/>
    /// of load from the first connection the way the run loads it: <paramref name="window"/> unacked (or not yet at the
    /// first receiver), or <paramref name="perSecond"/> messages a second when above 0.
    /// </summary>
    public Task WarmUpAsync(TimeSpan busy, CancellationToken cancellationToken, int window = 32, bool windowAtReceiver = false, double perSecond = 0) =>
        WarmUpAsync(Connections[0], "r0", [.. Readers], _textLength, busy, room: null, cancellationToken, window, windowAtReceiver ? Logs[0] : null, perSecond);

    /// <summary>
    /// Warms a server up from <paramref name="sender"/> (user <paramref name="user"/>) in <paramref name="room"/>
    /// (null: <c>general</c>): first until every one of <paramref name="readers"/> receives, then with
    /// <paramref name="busy"/> of load.
    /// </summary>
    public static async Task WarmUpAsync(
        RawConnection sender, string user, IReadOnlyList<DeliveryLog> readers, int textLength, TimeSpan busy, string? room, CancellationToken cancellationToken,
        int window = 32, DeliveryLog? windowAt = null, double perSecond = 0)
    {
        await ReachEveryReaderAsync(sender, user, readers, textLength, room, cancellationToken);
        if (busy <= TimeSpan.Zero)
        {
            return;
        }

        // Then load like the measured run's, with its window or rate, for a while: the runtime's tiered compilation
        // settles on the paths the run takes and the pools grow to size, so the run measures a server in its
        // steady state (as a long-running one is). With another window than the run's, Chat compiled its
        // big-batch paths during the run: up to 120 ms of JIT in a 0.3 s run, its server CPU per delivery 0.46
        // to 0.80 µs from round to round; at 50 messages/s after a flood, 500 methods were compiled in 10 s.
        const int First = 1_000_000;
        var plan = new SendPlan(BenchText.WarmUp, First, int.MaxValue, Senders: 1, textLength, window, perSecond, For: busy, WindowAt: windowAt, Room: room);
        var sent = await Sender.RunAsync(sender, user, 0, plan, cancellationToken);
        var last = First + sent.Sent - 1;
        if (!await WaitUntilAsync(() => readers.All(log => log.WarmUpSeen >= last), TimeSpan.FromSeconds(30), cancellationToken))
        {
            throw new InvalidOperationException("Some receivers never got the last warm-up message.");
        }
    }

    /// <summary>
    /// Sends warm-up messages from <paramref name="sender"/> until every reader has one batch complete: then
    /// every receiver is subscribed (a handshake completes just before that) and the connect-time
    /// presence broadcasts are behind us.
    /// </summary>
    private static async Task ReachEveryReaderAsync(
        RawConnection sender, string user, IReadOnlyList<DeliveryLog> readers, int textLength, string? room, CancellationToken cancellationToken)
    {
        const int Batch = 20;
        for (var round = 1; round <= 50; round++)
        {
            var plan = new SendPlan(BenchText.WarmUp, (round - 1) * Batch, round * Batch, Senders: 1, textLength, Window: Batch, Room: room);
            var sent = await Sender.RunAsync(sender, user, 0, plan, cancellationToken);
            if (sent.Acked == 0)
            {
                throw new InvalidOperationException($"The server acked no warm-up message: {sender.FirstError ?? "the connection closed"}");
            }

            var last = (round * Batch) - 1;
            if (await WaitUntilAsync(() => readers.All(log => log.WarmUpSeen >= last), TimeSpan.FromSeconds(2), cancellationToken))
            {
                return;
            }
        }

        throw new InvalidOperationException("Some receivers never got a warm-up message.");
    }

    /// <summary>The connections without a log stop reading (they read along until now, warm-up included).</summary>
    public void Stall()
    {
        for (var i = 0; i < Logs.Length; i++)
        {
            if (Logs[i] is null)
            {
                Connections[i].Stall();
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 10 ms; false if it is still false after <paramref name="limit"/>.</summary>
    public static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan limit, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > limit)
            {
                return false;
            }

            await Task.Delay(10, cancellationToken);
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        // The server goes first, so it does not broadcast a departure for every closed connection; one that stays up
        // for the next scenario sees them all close.
        if (_ownsServer)
        {
            await Server.DisposeAsync();
        }

        await _clients.DisposeAsync();
    }
}
