using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Delivery latency at a fixed send rate: one sender sends on a fixed schedule, each text carries its
/// send time, and every receiver notes how long each message took to reach it.
/// </summary>
internal static class LatencyBenchmark
{
    public sealed record Options(int Rounds, int Receivers, double PerSecond, TimeSpan Duration, int TextLength, TimeSpan WarmUp);

    /// <summary>One run on one server; latencies in milliseconds.</summary>
    /// <param name="FirstP50">p50 over messages of the time to their first receiver: the server's own delay, before the fan-out spreads it.</param>
    /// <param name="FirstP99">The same at p99.</param>
    /// <param name="GeneratorCpu">Microseconds of the generator's CPU per delivery while sending and receiving.</param>
    /// <param name="ServerCpu">The same of the server's.</param>
    public sealed record Result(double P50, double P99, double Max, double SentPerSecond, DeliveryChecks Checks, double FirstP50, double FirstP99, double GeneratorCpu, double ServerCpu, ServerCounters? Counters);

    public static async Task<Comparison<Result>> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"latency: {options.Rounds} alternating rounds, {options.Receivers} receivers, 1 sender at {options.PerSecond:0.#} messages/s for {options.Duration.TotalSeconds:0.#} s, {options.TextLength}-character texts"));
        var results = new Comparison<Result>(output);
        await results.RunAsync(options.Rounds, kind => MeasureAsync(kind, options, cancellationToken), r => string.Create(
            CultureInfo.InvariantCulture,
            $"p50 {r.P50,7:F2} ms  p99 {r.P99,7:F2} ms  max {r.Max,7:F2} ms  first receiver p50 {r.FirstP50:F2} ms, p99 {r.FirstP99:F2} ms  CPU per delivery: generator {r.GeneratorCpu:F2} µs, server {r.ServerCpu:F2} µs  sent {r.SentPerSecond:F1}/s  {r.Checks}{(r.Counters is { } counters ? $"  {counters}" : "")}"));

        results.Header(string.Create(CultureInfo.InvariantCulture, $"latency, {options.Receivers} receivers, {options.PerSecond:0.#} messages/s (medians)"));
        results.Median("p50 delivery latency", r => r.P50, "F2", " ms");
        results.Median("p99 delivery latency", r => r.P99, "F2", " ms");
        results.Median("max delivery latency", r => r.Max, "F2", " ms");
        results.Median("p50 over messages of the time to the first receiver", r => r.FirstP50, "F2", " ms");
        results.Median("p99 over messages of the time to the first receiver", r => r.FirstP99, "F2", " ms");
        results.Median("generator CPU per delivery", r => r.GeneratorCpu, "F2", " µs");
        results.Median("server CPU per delivery", r => r.ServerCpu, "F2", " µs");
        results.Text("missing / duplicated / reordered / unacked sends (all rounds)", runs => DeliveryChecks.Total(runs.Select(r => r.Checks)));
        return results;
    }

    /// <summary>One run: on a fresh server, or on <paramref name="on"/>.</summary>
    public static async Task<Result> MeasureAsync(ServerKind kind, Options options, CancellationToken cancellationToken, BenchServer? on = null)
    {
        var messages = (int)Math.Ceiling(options.PerSecond * options.Duration.TotalSeconds);
        await using var stage = await Stage.StartAsync(kind, options.Receivers, options.TextLength, () => new DeliveryLog(messages, senders: 1, keepLatencies: true), cancellationToken, on: on);
        await ServerCounters.WarmUpAsync(stage.Server, cancellationToken);
        await stage.WarmUpAsync(options.WarmUp, cancellationToken, perSecond: options.PerSecond);

        var plan = new SendPlan(BenchText.Measured, 0, messages, Senders: 1, options.TextLength, Window: 32, options.PerSecond);
        var before = await ServerCounters.ReadAsync(stage.Server, cancellationToken);
        var clock = Stopwatch.StartNew();
        var cpu = CpuMeter.Start(stage.Server);
        var sent = await Sender.RunAsync(stage.Connections[0], "r0", 0, plan, cancellationToken);
        var sending = clock.Elapsed;
        await Stage.WaitUntilAsync(() => stage.Readers.All(log => log.Received >= sent.Sent), TimeSpan.FromSeconds(30), cancellationToken);
        var (generatorCpu, serverCpu) = cpu.PerDelivery((long)sent.Sent * options.Receivers);
        var after = await ServerCounters.ReadAsync(stage.Server, cancellationToken);

        var latencies = new List<long>(messages * options.Receivers);
        var first = new long[sent.Sent];
        Array.Fill(first, long.MaxValue);
        foreach (var log in stage.Readers)
        {
            // A receiver's i-th latency is message i's: each receives in order (the checks count any that did not).
            var received = log.Latencies;
            latencies.AddRange(received);
            for (var i = 0; i < Math.Min(first.Length, received.Length); i++)
            {
                first[i] = Math.Min(first[i], received[i]);
            }
        }

        var firsts = first.Where(latency => latency != long.MaxValue).Order().ToList();
        latencies.Sort();
        return new Result(
            Milliseconds(Percentile(latencies, 0.50)),
            Milliseconds(Percentile(latencies, 0.99)),
            Milliseconds(latencies.Count == 0 ? 0 : latencies[^1]),
            sent.Sent / sending.TotalSeconds,
            DeliveryChecks.Of(stage.Readers, sent.Sent * options.Receivers, latencies.Count, sent),
            Milliseconds(Percentile(firsts, 0.50)),
            Milliseconds(Percentile(firsts, 0.99)),
            generatorCpu,
            serverCpu,
            ServerCounters.Between(before, after));
    }

    /// <summary>The nearest-rank percentile of sorted values.</summary>
    private static long Percentile(List<long> sorted, double quantile) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(quantile * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
