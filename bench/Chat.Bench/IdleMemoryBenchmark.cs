using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Server memory per idle connection: the server's resident memory before and after many connections
/// that only answer pings. They connect as guests (no user name), so the figure is the connection's own
/// cost, not presence broadcasts (which grow with the square of the count).
/// </summary>
internal static class IdleMemoryBenchmark
{
    public sealed record Options(int Rounds, int Connections, TimeSpan Hold);

    /// <summary>One run on one server.</summary>
    public sealed record Result(double KiBPerConnection, double ConnectsPerSecond, double ResidentMiB);

    /// <summary>Connections opened first, so the measured ones carry no start-up cost (compilation, pools).</summary>
    private const int WarmUpConnections = 100;

    public static async Task RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var limit = OpenFileLimit();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"idle memory: {options.Rounds} alternating rounds, {options.Connections:N0} idle connections after {WarmUpConnections} warm-up ones; open-file limit {limit:N0}"));
        if (limit < options.Connections + WarmUpConnections + 200)
        {
            throw new InvalidOperationException($"The open-file limit ({limit}) is too low for {options.Connections} connections; raise it with ulimit -n.");
        }

        var results = new Comparison<Result>(output);
        await results.RunAsync(options.Rounds, kind => MeasureAsync(kind, options, cancellationToken), r => string.Create(
            CultureInfo.InvariantCulture,
            $"{r.KiBPerConnection,6:F1} KiB per connection  server RSS {r.ResidentMiB:F0} MiB  connected {r.ConnectsPerSecond:N0}/s"));

        results.Header(string.Create(CultureInfo.InvariantCulture, $"idle memory, {options.Connections:N0} connections (medians)"));
        results.Median("server memory per idle connection (RSS growth / connections)", r => r.KiBPerConnection, "F1", " KiB");
        results.Median("server RSS with all connected", r => r.ResidentMiB, "F0", " MiB");
        results.Median("connections opened per second (64 at a time)", r => r.ConnectsPerSecond, "N0");
    }

    private static async Task<Result> MeasureAsync(ServerKind kind, Options options, CancellationToken cancellationToken)
    {
        var server = await BenchServer.StartAsync(kind, cancellationToken);
        var groups = new List<RawClients>();
        try
        {
            groups.Add(await RawClients.ConnectAsync(WarmUpConnections, Guest, cancellationToken));
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var before = server.ResidentBytes();

            var clock = Stopwatch.StartNew();
            groups.Add(await RawClients.ConnectAsync(options.Connections, Guest, cancellationToken));
            var connecting = clock.Elapsed;
            // Let the server finish what connecting started (handshakes, first pings) before reading its memory.
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var after = server.ResidentBytes();
            if (options.Hold > TimeSpan.Zero)
            {
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"holding {kind} (process {server.ProcessId}) with {options.Connections:N0} connections for {options.Hold.TotalSeconds:F0} s"));
                await Task.Delay(options.Hold, cancellationToken);
            }

            return new Result((after - before) / 1024.0 / options.Connections, options.Connections / connecting.TotalSeconds, after / (1024.0 * 1024.0));
        }
        finally
        {
            // The server goes first: 10,000 connections closing one by one would only keep it busy.
            await server.DisposeAsync();
            foreach (var group in groups)
            {
                await group.DisposeAsync();
            }
        }

        Task<RawConnection> Guest(int index, CancellationToken token) =>
            RawConnection.ConnectAsync(server.Url, user: null, log: null, token, bufferBytes: 1024);
    }

    /// <summary>This process's soft limit on open files (each connection is one), from <c>/proc/self/limits</c>.</summary>
    private static long OpenFileLimit()
    {
        var line = File.ReadLines("/proc/self/limits").First(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        var soft = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return soft == "unlimited" ? long.MaxValue : long.Parse(soft, CultureInfo.InvariantCulture);
    }
}
