using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench.Abuse;

/// <summary>
/// <c>chat-bench abuse</c>: six floods from one user, one at a time, each against a fresh Chat server with its
/// default limits and its shipped logging, while a normal user in a process of its own sends every 100 ms and
/// awaits each ack. For each: the normal user's ack p50 and p99 quiet and during the flood, the server's CPU
/// during it, its resident memory before, at its peak (sampled every 500 ms) and a while after, and the Error
/// and Critical entries it logged; then one table of them, met or not.
/// </summary>
internal static class AbuseBenchmark
{
    /// <param name="Rounds">How many times each flood runs, each on a fresh server; the table gives medians.</param>
    public sealed record Options(TimeSpan Quiet, TimeSpan Flood, TimeSpan After, IReadOnlyList<string> Floods, int Rounds = 1);

    /// <summary>Every flood, in the order they run.</summary>
    public static readonly IReadOnlyList<AbuseFlood> All =
        [new ReadingFlood(), new CatchUpFlood(), new JoinFlood(), new TypingFlood(), new RejectedCallFlood(), new OnlineListFlood()];

    /// <summary>The normal user's pace: 10 sends a second at most, within the default send budget (10/s, bursts of 20).</summary>
    private static readonly TimeSpan SendEvery = TimeSpan.FromMilliseconds(100);

    private static readonly TimeSpan RssEvery = TimeSpan.FromMilliseconds(500);

    private const double MiB = 1024 * 1024;
    private const double PeakGrowthLimit = 100;
    private const double AfterGrowthLimit = 32;
    private const double P99RatioLimit = 2;

    // Chat's logging as appsettings.json ships it (the benchmark server starts at Warning, and without that file).
    private static readonly string[] ShippedLogging = ["--Logging:LogLevel:Default", "Information", "--Logging:LogLevel:Microsoft.AspNetCore", "Warning"];

    public static async Task<bool> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        output.WriteLine($"abuse: each flood against a fresh Chat with its default limits (Chat:RateLimit, Chat:Limits, Chat:Rooms) and appsettings.json's logging; " +
            $"a normal user sends in general every {SendEvery.TotalMilliseconds:0} ms in its own process and awaits each ack; " +
            $"{options.Quiet.TotalSeconds:0} s quiet, the flood ({options.Flood.TotalSeconds:0} s unless it is a number of calls), {options.After.TotalSeconds:0} s after");
        var rows = new List<Row>();
        foreach (var flood in All.Where(flood => options.Floods.Contains(flood.Name)))
        {
            var rounds = new List<Row>();
            for (var round = 1; round <= options.Rounds; round++)
            {
                output.WriteLine();
                output.WriteLine(options.Rounds == 1 ? $"== {flood.Name} ==" : $"== {flood.Name}, round {round} of {options.Rounds} ==");
                try
                {
                    rounds.Add(await RunAsync(flood, options, output, cancellationToken));
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // One flood that breaks the generator should not cost the others' figures.
                    output.WriteLine($"  the flood failed: {exception}");
                    rounds.Add(new Row(flood.Name, new AckTimes(), new AckTimes(), double.NaN, double.NaN, -1, Met: false, "the flood failed", double.NaN, double.NaN));
                }
            }

            rows.Add(Medians(rounds));
        }

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"abuse: {rows.Count} floods in {(DateTime.UtcNow - started).TotalMinutes:F0} min; met: the normal user's p99 during the flood at most " +
            $"{P99RatioLimit:0}x its quiet p99, peak RSS growth under {PeakGrowthLimit:0} MiB, RSS {options.After.TotalSeconds:0} s after the flood back under before + {AfterGrowthLimit:0} MiB, no Error or Critical log entry during the flood"));
        output.WriteLine();
        if (options.Rounds > 1)
        {
            output.WriteLine($"Medians of {options.Rounds} rounds, each on a fresh server (the ratio is the median of the rounds' ratios); error lines are all rounds'.");
            output.WriteLine();
        }

        output.WriteLine($"| flood | quiet p99 | during p99 | ratio | RSS growth (peak - before) | RSS {options.After.TotalSeconds:0} s after - before | error lines | met? |{(options.Rounds > 1 ? " ratio in each round |" : "")}");
        output.WriteLine($"| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |{(options.Rounds > 1 ? " --- |" : "")}");
        foreach (var row in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Flood} | {row.Quiet.P99:F1} ms | {row.During.P99:F1} ms | {row.Ratio:F2} | {row.PeakGrowth:F0} MiB | {row.AfterGrowth:F0} MiB | {row.Errors} | {(row.Met ? "yes" : $"**no** ({row.Why})")} |{(options.Rounds > 1 ? $" {row.Ratios} |" : "")}"));
        }

        // The machine is shared: what else ran is part of the figures.
        output.WriteLine();
        output.WriteLine("CPU of every other process on the machine (the normal user's included), % of one core, quiet window / flood: " +
            string.Join("; ", rows.Select(row => string.Create(CultureInfo.InvariantCulture, $"{row.Flood} {row.QuietOthers * 100:F0} / {row.FloodOthers * 100:F0}"))));
        return rows.All(row => row.Met);
    }

    private static async Task<Row> RunAsync(AbuseFlood flood, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var server = await BenchServer.StartAsync(cancellationToken, [.. FloodsBenchmark.DefaultLimits, .. ShippedLogging, .. flood.Settings]);
        if (flood.Settings.Count > 0)
        {
            output.WriteLine($"  server settings besides the defaults: {string.Join(' ', flood.Settings)}");
        }

        await using var setup = await flood.PrepareAsync(server.Url, output, cancellationToken);
        await using var sender = SteadySender.Start(server.Url, SendEvery);

        // The first sends of a fresh server compile its code; they are not the quiet window.
        var warming = Stopwatch.StartNew();
        while (sender.Pending < 20 && warming.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        sender.Take();
        var quietLoad = Load.Start(server);
        await Task.Delay(options.Quiet, cancellationToken);
        var quiet = sender.Take();
        var quietOthers = quietLoad.Others();

        var rssBefore = server.ResidentBytes();
        var managedBefore = await ServerCounters.MemoryAsync(server, cancellationToken);
        var countersBefore = await ServerCounters.ReadAsync(server, cancellationToken);
        var load = Load.Start(server);
        var (linesBefore, bytesBefore, errorsBefore, keptBefore) = (server.Log.Lines, server.Log.Bytes, server.Log.Errors, server.Log.Kept);
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakAsync(server, rssBefore, sampling.Token);
        var floodStarted = Stopwatch.GetTimestamp();
        double floodSeconds;
        (double Server, double Generator, double Others) cpu;
        AckTimes during;
        long floodEnded;
        try
        {
            await flood.FloodAsync(server.Url, options.Flood, output, cancellationToken);
            floodEnded = Stopwatch.GetTimestamp();
            floodSeconds = Stopwatch.GetElapsedTime(floodStarted, floodEnded).TotalSeconds;
            cpu = load.Cores();
            during = sender.Take();

            // What the flood left behind is its doing: its memory and log lines count with the flood's.
            await flood.CheckAsync(server.Url, output, cancellationToken);
        }
        finally
        {
            await sampling.CancelAsync();
        }

        var rssPeak = await peak;
        var (lines, bytes, errors) = (server.Log.Lines - linesBefore, server.Log.Bytes - bytesBefore, server.Log.Errors - errorsBefore);

        var rest = options.After - Stopwatch.GetElapsedTime(floodEnded);
        await Task.Delay(rest > TimeSpan.Zero ? rest : TimeSpan.Zero, cancellationToken);
        var rssAfter = server.ResidentBytes();
        var managedAfter = await ServerCounters.MemoryAsync(server, cancellationToken);
        var counters = ServerCounters.Between(countersBefore, await ServerCounters.ReadAsync(server, cancellationToken));
        var errorsAfter = server.Log.Errors - errorsBefore - errors;
        var after = sender.Take();

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  normal user's acks: quiet p50 {quiet.P50:F1} ms, p99 {quiet.P99:F1} ms ({quiet.Count} acks); during the flood p50 {during.P50:F1} ms, p99 {during.P99:F1} ms ({during.Count} acks); " +
            $"p99 ratio {during.P99 / quiet.P99:F2}; sends refused: {quiet.Refused} quiet, {during.Refused} during, {after.Refused} after"));
        output.WriteLine($"  slowest acks: quiet {quiet.Slowest}; during the flood (from its start) {during.Slowest}");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  server CPU during the flood: {cpu.Server * 100:F0}% of one core over {floodSeconds:F1} s; the flood's generator (same machine): {cpu.Generator * 100:F0}%; " +
            $"every other process (the normal user's included): {cpu.Others * 100:F0}% during the flood, {quietOthers * 100:F0}% in the quiet window, of {Environment.ProcessorCount * 100}%"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  server RSS: {rssBefore / MiB:F0} MiB before, peak {rssPeak / MiB:F0} MiB during (+{(rssPeak - rssBefore) / MiB:F0}), {rssAfter / MiB:F0} MiB {options.After.TotalSeconds:0} s after ({(rssAfter - rssBefore) / MiB:+0;-0} MiB); " +
            $"before: {managedBefore}; {options.After.TotalSeconds:0} s after: {managedAfter}; garbage collections (gen0/1/2) from the flood's start: {counters?.Gen0:N0}/{counters?.Gen1:N0}/{counters?.Gen2:N0}, pausing {counters?.GcPause * 1000:F0} ms in all, {counters?.Allocated / 1e6:F0} MB allocated"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  server log during the flood and its checks: {lines:N0} lines, {bytes / 1024.0:N1} KiB; Error/Critical entries: {errors} then, {errorsAfter} later in the {options.After.TotalSeconds:0} s after"));
        foreach (var entry in server.Log.Entries(keptBefore))
        {
            output.WriteLine("    | " + entry.Replace("\n", "\n    | ", StringComparison.Ordinal));
        }

        var peakGrowth = (rssPeak - rssBefore) / MiB;
        var afterGrowth = (rssAfter - rssBefore) / MiB;
        var why = Missed(during.P99 / quiet.P99, peakGrowth, afterGrowth, errors);
        return new Row(flood.Name, quiet, during, peakGrowth, afterGrowth, errors, why.Length == 0, why, quietOthers, cpu.Others);
    }

    /// <summary>The server's largest resident memory, sampled every <see cref="RssEvery"/> until cancelled.</summary>
    private static async Task<long> SamplePeakAsync(BenchServer server, long start, CancellationToken cancellationToken)
    {
        var peak = start;
        using var tick = new PeriodicTimer(RssEvery);
        try
        {
            while (await tick.WaitForNextTickAsync(cancellationToken))
            {
                peak = Math.Max(peak, server.ResidentBytes());
            }
        }
        catch (OperationCanceledException)
        {
        }

        return Math.Max(peak, server.ResidentBytes());
    }

    /// <summary>CPU used since a start, in cores: the server's, this generator's, and every other process's on the machine.</summary>
    private sealed record Load(BenchServer Server, TimeSpan ServerStart, TimeSpan GeneratorStart, MachineCpu MachineStart)
    {
        public static Load Start(BenchServer server) => new(server, server.CpuTime, Environment.CpuUsage.TotalTime, MachineCpu.Read());

        public (double Server, double Generator, double Others) Cores()
        {
            var machine = MachineCpu.Read().CoresBusySince(MachineStart);
            var seconds = Stopwatch.GetElapsedTime(Started).TotalSeconds;
            var server = (Server.CpuTime - ServerStart).TotalSeconds / seconds;
            var generator = (Environment.CpuUsage.TotalTime - GeneratorStart).TotalSeconds / seconds;
            return (server, generator, Math.Max(0, machine - server - generator));
        }

        public double Others() => Cores().Others;

        private long Started { get; } = Stopwatch.GetTimestamp();
    }

    private sealed record Row(string Flood, AckTimes Quiet, AckTimes During, double PeakGrowth, double AfterGrowth, long Errors, bool Met, string Why, double QuietOthers, double FloodOthers)
    {
        /// <summary>The normal user's p99 during the flood over its quiet p99 (for medians, the median of the rounds' ratios).</summary>
        public double Ratio { get; init; } = During.P99 / Quiet.P99;

        /// <summary>Each round's ratio, for the spread.</summary>
        public string Ratios { get; init; } = "";
    }

    /// <summary>What a flood's figures missed, as the table says it ("p99, RSS after"); empty when all were met.</summary>
    private static string Missed(double ratio, double peakGrowth, double afterGrowth, long errors) => string.Join(", ", new[]
    {
        ratio <= P99RatioLimit ? null : "p99",
        peakGrowth < PeakGrowthLimit ? null : "peak RSS",
        afterGrowth < AfterGrowthLimit ? null : "RSS after",
        errors == 0 ? null : "errors",
    }.OfType<string>());

    /// <summary>One row of a flood's rounds: the median of each figure, met by the same rules as one round.</summary>
    private static Row Medians(List<Row> rounds)
    {
        if (rounds.Count == 1)
        {
            return rounds[0];
        }

        var quiet = new AckTimes(rounds.Sum(r => r.Quiet.Count), Stats.Median(rounds.Select(r => r.Quiet.P50)), Stats.Median(rounds.Select(r => r.Quiet.P99)), rounds.Sum(r => r.Quiet.Refused), "");
        var during = new AckTimes(rounds.Sum(r => r.During.Count), Stats.Median(rounds.Select(r => r.During.P50)), Stats.Median(rounds.Select(r => r.During.P99)), rounds.Sum(r => r.During.Refused), "");
        var ratio = Stats.Median(rounds.Select(r => r.Ratio));
        var (peak, after, errors) = (Stats.Median(rounds.Select(r => r.PeakGrowth)), Stats.Median(rounds.Select(r => r.AfterGrowth)), rounds.Sum(r => r.Errors));
        var why = Missed(ratio, peak, after, errors);
        return new Row(rounds[0].Flood, quiet, during, peak, after, errors, why.Length == 0, why, Stats.Median(rounds.Select(r => r.QuietOthers)), Stats.Median(rounds.Select(r => r.FloodOthers)))
        {
            Ratio = ratio,
            Ratios = string.Join(", ", rounds.Select(r => r.Ratio.ToString("F2", CultureInfo.InvariantCulture))),
        };
    }
}
