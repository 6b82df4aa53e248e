using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// The performance targets in one run: the fan-out, latency, slow-consumer, stateful-receiver and idle-memory
/// scenarios one after the other with the parameters the targets were set with, each printing its own table,
/// then one table of every target with the figure it was judged by and whether it is met.
/// </summary>
internal static class TargetsBenchmark
{
    public sealed record Options(int Rounds, TimeSpan WarmUp, int IdleConnections);

    public static async Task<bool> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var fanout100 = await FanoutAsync(100, 5000, options, output, cancellationToken);
        var fanout1000 = await FanoutAsync(1000, 1000, options, output, cancellationToken);

        output.WriteLine();
        var latency = await LatencyBenchmark.RunAsync(
            new LatencyBenchmark.Options(options.Rounds, Receivers: 1000, PerSecond: 50, TimeSpan.FromSeconds(10), TextLength: 64, options.WarmUp), output, cancellationToken);

        output.WriteLine();
        var slow = await SlowConsumerBenchmark.RunAsync(
            new SlowConsumerBenchmark.Options(options.Rounds, Receivers: 100, TimeSpan.Zero, TextLength: 4096, options.WarmUp, Messages: 5000, Window: 200, WindowAtReceiver: true),
            output,
            cancellationToken);

        output.WriteLine();
        var stateful = await StatefulReceiverBenchmark.RunAsync(
            new StatefulReceiverBenchmark.Options(options.Rounds, Receivers: 20, Window: 32, TimeSpan.FromSeconds(5), TextLength: 100, options.WarmUp), output, cancellationToken);

        output.WriteLine();
        var idle = await IdleMemoryBenchmark.RunAsync(new IdleMemoryBenchmark.Options(options.Rounds, options.IdleConnections, TimeSpan.Zero), output, cancellationToken);

        var rows = new List<Row>();
        rows.Add(Ratio("1. fan-out to 100 receivers, 5,000 × 64 B: deliveries/s", fanout100, r => r.PerSecond, "N0", "", atLeast: 1.0, checks: Clean(fanout100)));
        rows.Add(Ratio("1. fan-out to 1,000 receivers, 1,000 × 64 B: deliveries/s", fanout1000, r => r.PerSecond, "N0", "", atLeast: 1.0, checks: Clean(fanout1000)));
        rows.Add(Ratio("2. 1,000 receivers at 50 messages/s: p99", latency, r => r.P99, "F2", " ms", atMost: 1.0, checks: latency.First.All(r => r.Checks.IsClean)));
        var (pause, baselinePause) = slow.Medians(r => r.LongestPause);
        var (growth, baselineGrowth) = slow.Medians(r => r.MemoryGrowth);
        var everything = slow.First.All(r => r.Missing == 0 && r.Unacked == 0);
        rows.Add(Absolute(
            "3. slow consumer among 100, 5,000 × 4 KiB: the others' longest pause; server memory growth",
            $"{pause:F2} s; {growth:F0} MB",
            $"{baselinePause:F2} s; {baselineGrowth:F0} MB",
            "< 1 s; < 32 MB; the others get everything",
            pause < 1 && growth < 32 && everything));
        var (cost, baselineCost) = stateful.Medians(r => r.Cost * 100);
        rows.Add(Absolute(
            "4. one healthy stateful-reconnect receiver among 20: what it costs the others",
            $"{cost:F1} %",
            $"{baselineCost:F1} %",
            "< 10 %",
            cost < 10 && stateful.First.All(r => r.Checks.IsClean)));
        rows.Add(Ratio(string.Create(CultureInfo.InvariantCulture, $"5. memory per idle connection, {options.IdleConnections:N0} connections"), idle, r => r.KiBPerConnection, "F1", " KiB", atMost: 1.0));

        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"targets: medians of {options.Rounds} alternating rounds, Chat with durable history against the bare hub, {(DateTime.UtcNow - started).TotalMinutes:F0} min in all"));
        output.WriteLine();
        output.WriteLine("| target | Chat | baseline | Chat/baseline | wanted | met |");
        output.WriteLine("| --- | ---: | ---: | ---: | --- | --- |");
        foreach (var row in rows)
        {
            output.WriteLine($"| {row.Label} | {row.Chat} | {row.Baseline} | {row.Ratio} | {row.Wanted} | {(row.Met ? "yes" : "**no**")} |");
        }

        return rows.All(row => row.Met);
    }

    private static async Task<Comparison<FanoutBenchmark.Result>> FanoutAsync(int receivers, int messages, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var fanout = new FanoutBenchmark.Options(
            options.Rounds, [receivers], TimeSpan.Zero, Senders: 1, Window: 200, TextLength: 64, options.WarmUp, messages, WindowAtReceiver: true);
        return (await FanoutBenchmark.RunAsync(fanout, output, cancellationToken))[0].Results;
    }

    private static bool Clean(Comparison<FanoutBenchmark.Result> results) => results.First.All(r => r.Checks.IsClean);

    private static Row Ratio<T>(string label, Comparison<T> results, Func<T, double> value, string format, string unit, double? atLeast = null, double? atMost = null, bool checks = true)
    {
        var (chat, baseline) = results.Medians(value);
        var ratio = chat / baseline;
        var met = checks && (atLeast is not { } low || ratio >= low) && (atMost is not { } high || ratio <= high);
        return new Row(
            label,
            chat.ToString(format, CultureInfo.InvariantCulture) + unit,
            baseline.ToString(format, CultureInfo.InvariantCulture) + unit,
            ratio.ToString("F2", CultureInfo.InvariantCulture),
            string.Create(CultureInfo.InvariantCulture, $"{(atLeast is { } least ? $"≥ {least:F1}" : $"≤ {atMost:F1}")}{(checks ? "" : "; a message was missing, duplicated, reordered or unacked")}"),
            met);
    }

    /// <summary>A target judged by Chat's own figures, not by their ratio to the baseline's.</summary>
    private static Row Absolute(string label, FormattableString chat, FormattableString baseline, string wanted, bool met) =>
        new(label, FormattableString.Invariant(chat), FormattableString.Invariant(baseline), "", wanted, met);

    private sealed record Row(string Label, string Chat, string Baseline, string Ratio, string Wanted, bool Met);
}
