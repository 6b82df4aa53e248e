using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Acked sends per second, Chat against the bare hub: each sender awaits every ack before its next send
/// (for Chat an ack means committed). Every sender also receives every message, and checks it.
/// </summary>
internal static class SendsBenchmark
{
    public sealed record Options(int Rounds, int[] Senders, TimeSpan Duration, int TextLength, TimeSpan WarmUp);

    public static async Task RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"acked sends: {options.Rounds} alternating rounds, each sender awaits its ack before the next send, {options.TextLength}-character texts, sending for {options.Duration.TotalSeconds:0.#} s per run"));
        var comparisons = new List<(int Senders, Comparison<FanoutBenchmark.Result> Results)>();
        foreach (var senders in options.Senders)
        {
            var fanout = new FanoutBenchmark.Options(options.Rounds, [senders], options.Duration, senders, Window: 1, options.TextLength, options.WarmUp);
            var comparison = new Comparison<FanoutBenchmark.Result>(output);
            await comparison.RunAsync(options.Rounds, kind => FanoutBenchmark.MeasureAsync(kind, senders, fanout, cancellationToken), r => string.Create(
                CultureInfo.InvariantCulture,
                $"{senders,3} sender(s) {r.AckedPerSecond,9:N0} acked/s  CPU per delivery: generator {r.GeneratorMicros:F2} µs, server {r.ServerMicros:F2} µs  {r.Checks}"));
            comparisons.Add((senders, comparison));
        }

        comparisons[0].Results.Header("acked sends (medians)");
        foreach (var (senders, results) in comparisons)
        {
            results.Median($"{senders} concurrent sender(s): acked sends/s", r => r.AckedPerSecond, "N0");
            results.Text($"{senders} concurrent sender(s): missing / duplicated / reordered / unacked (all rounds)", runs => DeliveryChecks.Total(runs.Select(r => r.Checks)));
        }
    }
}
