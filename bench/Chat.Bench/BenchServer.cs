using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>Which server a benchmark starts: Chat itself, or the bare SignalR hub it is compared with.</summary>
internal enum ServerKind
{
    Chat,
    Baseline,
}

/// <summary>
/// A server started as its own process on a free loopback port: Chat.Server with a fresh SQLite file and
/// no rate limit, or Chat.Baseline.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;
    private long _droppedAt;

    private BenchServer(ServerKind kind, Process process, string folder, Uri url)
    {
        Kind = kind;
        _process = process;
        _folder = folder;
        Url = url;
    }

    public ServerKind Kind { get; }

    public Uri Url { get; }

    /// <summary>The server's process id, for attaching a profiler.</summary>
    public int ProcessId => _process.Id;

    /// <summary>CPU time the server process has used so far (user and system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>Starts Chat.Server; <paramref name="settings"/> (e.g. <c>--Chat:Redis HOST:PORT</c>) override the defaults.</summary>
    public static Task<BenchServer> StartAsync(CancellationToken cancellationToken, params string[] settings) =>
        StartAsync(ServerKind.Chat, cancellationToken, settings);

    /// <summary>Starts Chat.Server or Chat.Baseline; <paramref name="settings"/> are added to its command line.</summary>
    public static async Task<BenchServer> StartAsync(ServerKind kind, CancellationToken cancellationToken, params string[] settings)
    {
        var folder = Directory.CreateTempSubdirectory("chat-bench-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] common =
        [
            "--contentRoot", folder,
            "--urls", "http://127.0.0.1:0",
            "--Logging:LogLevel:Default", "Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information",
        ];
        string[] arguments = kind == ServerKind.Chat
            ?
            [
                Path.Combine(AppContext.BaseDirectory, "Chat.Server.dll"), .. common,
                "--ConnectionStrings:Chat", $"Data Source={Path.Combine(folder, "bench.db")}",
                "--Chat:RateLimit:PerSecond", "0",
                "--Chat:RateLimit:ReadsPerSecond", "0",
                "--Chat:Limits:ConnectionsPerAddress", "0",
                "--Chat:Limits:ConnectsPerSecond", "0",
                "--Chat:Limits:MaxConnections", "0",
            ]
            : [Path.Combine(AppContext.BaseDirectory, "Chat.Baseline.dll"), .. common];
        foreach (var argument in arguments.Concat(settings))
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {kind}.");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            const string Marker = "Now listening on: ";
            var at = line.IndexOf(Marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                var server = new BenchServer(kind, process, folder, new Uri(line[(at + Marker.Length)..].Trim()));

                // Keep draining its output so the server never blocks on a full pipe, and note when it first drops a client.
                _ = server.WatchOutputAsync(cancellationToken);
                return server;
            }
        }

        throw new InvalidOperationException($"{kind} exited before it listened.");
    }

    /// <summary>What the server has written to its standard output since it listened.</summary>
    public ServerLog Log { get; } = new();

    /// <summary>When Chat first logged dropping a client that stopped reading (a <see cref="Stopwatch"/> timestamp), or 0.</summary>
    public long DroppedAt => Volatile.Read(ref _droppedAt);

    private async Task WatchOutputAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                Log.Add(line);
                if (line.Contains("Dropped connection", StringComparison.Ordinal))
                {
                    Interlocked.CompareExchange(ref _droppedAt, Stopwatch.GetTimestamp(), 0);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>The server's resident memory now, from <c>/proc/PID/status</c> (Linux only).</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            // "VmRSS:     123456 kB"
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("VmRSS not found in /proc/PID/status.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
