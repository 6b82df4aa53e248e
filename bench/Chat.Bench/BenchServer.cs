using System.Diagnostics;
using Chat.Testing;

namespace Chat.Bench;

/// <summary>Which server a benchmark starts: Chat itself, or the bare SignalR hub it is compared with.</summary>
internal enum ServerKind
{
    Chat,
    Baseline,
}

/// <summary>
/// A server the benchmark starts as its own process on a free loopback port, the way the tests do (a
/// <see cref="ChatProcess"/>): Chat.Server with a fresh SQLite file and no rate or connection limits, or
/// Chat.Baseline. It adds what the reports need: the output's log entries and when Chat first dropped a client.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly ChatProcess _process;
    private long _droppedAt;

    private BenchServer(ServerKind kind, ChatProcess process)
    {
        Kind = kind;
        _process = process;
    }

    public ServerKind Kind { get; }

    public Uri Url => _process.Url;

    /// <summary>The server's process id, for attaching a profiler.</summary>
    public int ProcessId => _process.ProcessId;

    /// <summary>CPU time the server process has used so far (user and system).</summary>
    public TimeSpan CpuTime => _process.CpuTime;

    /// <summary>What the server has written to its standard output and error.</summary>
    public ServerLog Log { get; } = new();

    /// <summary>When Chat first logged dropping a client that stopped reading (a <see cref="Stopwatch"/> timestamp), or 0.</summary>
    public long DroppedAt => Volatile.Read(ref _droppedAt);

    /// <summary>Starts Chat.Server; <paramref name="settings"/> (e.g. <c>--Chat:Redis HOST:PORT</c>) override the defaults.</summary>
    public static Task<BenchServer> StartAsync(CancellationToken cancellationToken, params string[] settings) =>
        StartAsync(ServerKind.Chat, cancellationToken, settings);

    /// <summary>Starts Chat.Server or Chat.Baseline; <paramref name="settings"/> are added to its command line.</summary>
    public static async Task<BenchServer> StartAsync(ServerKind kind, CancellationToken cancellationToken, params string[] settings)
    {
        string[] common = ["--Logging:LogLevel:Default", "Warning"];
        string[] unlimited = kind == ServerKind.Chat
            ?
            [
                "--Chat:RateLimit:PerSecond", "0",
                "--Chat:RateLimit:ReadsPerSecond", "0",
                "--Chat:Limits:ConnectionsPerAddress", "0",
                "--Chat:Limits:ConnectsPerSecond", "0",
                "--Chat:Limits:MaxConnections", "0",
            ]
            : [];
        var process = ChatProcess.Launch(new ChatProcessOptions
        {
            Program = kind == ServerKind.Chat ? ChatProcessOptions.Server : "Chat.Baseline.dll",
            Arguments = [.. common, .. unlimited, .. settings],
        });
        var server = new BenchServer(kind, process);
        process.Line += server.Watch;
        try
        {
            await process.WaitUntilListeningAsync().WaitAsync(cancellationToken);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>The server's resident memory now.</summary>
    public long ResidentBytes() => _process.ResidentBytes;

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private void Watch(string line)
    {
        Log.Add(line);
        if (line.Contains("Dropped connection", StringComparison.Ordinal))
        {
            Interlocked.CompareExchange(ref _droppedAt, Stopwatch.GetTimestamp(), 0);
        }
    }
}
