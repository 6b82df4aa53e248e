using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// One receiver stops reading while one sender sends big messages as fast as acks allow: how many
/// deliveries the others still get, the longest pause they see, when (if ever) the server drops the
/// stalled one (Chat's log line, or a UserLeft), and how much the server's memory grows meanwhile.
/// </summary>
internal static class SlowConsumerBenchmark
{
    /// <param name="Messages">Messages to send in all; 0 sends for <paramref name="Duration"/> instead.</param>
    public sealed record Options(int Rounds, int Receivers, TimeSpan Duration, int TextLength, TimeSpan WarmUp, int Messages = 0, int Window = 32, bool WindowAtReceiver = false);

    /// <summary>One run on one server; <see cref="DroppedAfter"/> is NaN when the stalled receiver was never dropped.</summary>
    /// <param name="Before">Chat's memory just before the sender starts (null for the bare hub).</param>
    /// <param name="After">The same once every message reached the others, the stalled receiver still connected or dropped.</param>
    public sealed record Result(double PerSecond, double LongestPause, double DroppedAfter, double MemoryGrowth, long Missing, long Unacked, ServerMemory? Before = null, ServerMemory? After = null);

    public static async Task<Comparison<Result>> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"slow consumer: {options.Rounds} alternating rounds, {options.Receivers} receivers of which 1 never reads, 1 sender (up to {options.Window} {(options.WindowAtReceiver ? "not yet at the first receiver" : "unacked")}), {(options.Messages > 0 ? $"{options.Messages:N0} messages" : $"for {options.Duration.TotalSeconds:0.#} s")}, {options.TextLength}-character texts"));
        var results = new Comparison<Result>(output);
        await results.RunAsync(options.Rounds, kind => MeasureAsync(kind, options, cancellationToken), r => string.Create(
            CultureInfo.InvariantCulture,
            $"{r.PerSecond,9:N0} deliveries/s to the others  longest pause {r.LongestPause:F2} s  stalled one dropped after {(double.IsNaN(r.DroppedAfter) ? "never" : $"{r.DroppedAfter:F2} s")}  server memory +{r.MemoryGrowth:F0} MB  missing {r.Missing}, unacked {r.Unacked}"));

        results.Header(string.Create(CultureInfo.InvariantCulture,
            $"slow consumer, {options.Receivers} receivers, 1 never reads, {options.TextLength}-character texts (medians)"));
        results.Median($"deliveries/s to the {options.Receivers - 1} others", r => r.PerSecond, "N0");
        results.Median("longest pause the others saw", r => r.LongestPause, "F2", " s");
        results.Median("stalled receiver dropped after", r => r.DroppedAfter, "F2", " s");
        results.Text("rounds in which it was dropped", runs => $"{runs.Count(r => !double.IsNaN(r.DroppedAfter))} of {runs.Count}");
        results.Median("server memory growth (peak RSS)", r => r.MemoryGrowth, "F0", " MB");
        results.Text("sent but not delivered to the others / unacked (all rounds)", runs => $"{runs.Sum(r => r.Missing)} / {runs.Sum(r => r.Unacked)}");
        return results;
    }

    /// <summary>One run: on a fresh server, or on <paramref name="on"/> (which earlier scenarios may have run on).</summary>
    public static async Task<Result> MeasureAsync(ServerKind kind, Options options, CancellationToken cancellationToken, BenchServer? on = null)
    {
        const int Messages = 1_000_000;
        await using var stage = await Stage.StartAsync(
            kind, options.Receivers, options.TextLength, () => new DeliveryLog(Messages, senders: 1, keepLatencies: false), cancellationToken, stalled: 1, on);
        await stage.WarmUpAsync(options.WarmUp, cancellationToken, options.Window, options.WindowAtReceiver);
        stage.Stall();

        using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var before = await ServerCounters.MemoryAsync(stage.Server, cancellationToken);
        var baseline = stage.Server.ResidentBytes();
        var peak = SamplePeakAsync(stage.Server, sampling.Token);
        var plan = new SendPlan(
            BenchText.Measured, 0, options.Messages > 0 ? options.Messages : Messages, Senders: 1, options.TextLength, options.Window,
            For: options.Messages > 0 ? null : options.Duration, AckTimeout: TimeSpan.FromSeconds(2), WindowAt: options.WindowAtReceiver ? stage.Logs[0] : null);
        var start = Stopwatch.GetTimestamp();
        var sent = await Sender.RunAsync(stage.Connections[0], "r0", 0, plan, cancellationToken);
        var end = options.Messages > 0 ? Stopwatch.GetTimestamp() : start + (long)(options.Duration.TotalSeconds * Stopwatch.Frequency);
        await Stage.WaitUntilAsync(() => stage.Readers.All(log => log.Received >= sent.Sent), TimeSpan.FromSeconds(options.Messages > 0 ? 30 : 5), cancellationToken);
        await sampling.CancelAsync();
        var after = await ServerCounters.MemoryAsync(stage.Server, cancellationToken);

        var delivered = stage.Readers.Sum(log => log.Received);
        var last = Math.Max(end, stage.Readers.Max(log => log.LastAt));
        // A receiver that got nothing since its last message up to the end of sending was paused for that long too.
        var pause = stage.Readers.Max(log => Math.Max(log.LongestGap, end - (log.LastAt == 0 ? start : log.LastAt)));
        // Chat logs the drop (its UserLeft comes later: leaves are announced after a grace, as a reload makes none).
        var left = stage.Server.DroppedAt != 0 ? stage.Server.DroppedAt : stage.Connections[0].UserLeftAt;
        return new Result(
            delivered / Stopwatch.GetElapsedTime(start, last).TotalSeconds,
            (double)pause / Stopwatch.Frequency,
            left == 0 ? double.NaN : Stopwatch.GetElapsedTime(start, left).TotalSeconds,
            (await peak - baseline) / (1024.0 * 1024.0),
            (sent.Sent * stage.Readers.Count()) - delivered,
            sent.Sent - sent.Acked,
            before,
            after);
    }

    /// <summary>The highest resident memory of the server, sampled every 100 ms until cancelled.</summary>
    private static async Task<long> SamplePeakAsync(BenchServer server, CancellationToken cancellationToken)
    {
        var peak = server.ResidentBytes();
        try
        {
            while (true)
            {
                await Task.Delay(100, cancellationToken);
                peak = Math.Max(peak, server.ResidentBytes());
            }
        }
        catch (OperationCanceledException)
        {
            return Math.Max(peak, server.ResidentBytes());
        }
    }
}
