using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// Fan-out: every receiver gets every message. Senders (the first receivers) send for a fixed time as
/// fast as their acks allow, with a bounded window; a run ends when every receiver has every message
/// sent, and each receiver checks that none is missing, duplicated or out of its sender's order.
/// </summary>
internal static class FanoutBenchmark
{
    /// <param name="Messages">Messages to send in all; 0 sends for <paramref name="Duration"/> instead.</param>
    /// <param name="WindowAtReceiver">Count the window at the first receiver (sent but not yet received there), not at the acks.</param>
    public sealed record Options(int Rounds, int[] Receivers, TimeSpan Duration, int Senders, int Window, int TextLength, TimeSpan WarmUp, int Messages = 0, bool WindowAtReceiver = false)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"{Senders} sender(s) with up to {Window} {(WindowAtReceiver ? "not yet at the first receiver" : "unacked")}, {TextLength}-character texts, {(Messages > 0 ? $"{Messages:N0} messages" : $"sending for {Duration.TotalSeconds:0.#} s")} per run");
    }

    /// <summary>Deliveries one run may make at most, which bounds the receivers' bookkeeping.</summary>
    private const int MaxDeliveries = 20_000_000;

    /// <summary>One run on one server.</summary>
    /// <param name="Counters">What Chat's own counters say of the run (null for the bare hub).</param>
    public sealed record Result(double PerSecond, double AckedPerSecond, double GeneratorMicros, double ServerMicros, DeliveryChecks Checks, ServerCounters? Counters = null);

    public static async Task<IReadOnlyList<(int Receivers, Comparison<Result> Results)>> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"fan-out: {options.Rounds} alternating rounds, {options.Describe()}");
        var comparisons = new List<(int Receivers, Comparison<Result> Results)>();
        foreach (var receivers in options.Receivers)
        {
            var comparison = new Comparison<Result>(output);
            await comparison.RunAsync(options.Rounds, kind => MeasureAsync(kind, receivers, options, cancellationToken), result => string.Create(
                CultureInfo.InvariantCulture,
                $"{receivers,5} receivers {result.PerSecond,10:N0} deliveries/s  CPU per delivery: generator {result.GeneratorMicros:F2} µs, server {result.ServerMicros:F2} µs  {result.Checks}{(result.Counters is { } counters ? $"  {counters}" : "")}"));
            comparisons.Add((receivers, comparison));
        }

        comparisons[0].Results.Header("fan-out (medians)");
        foreach (var (receivers, results) in comparisons)
        {
            results.Median($"{receivers} receivers: deliveries/s", r => r.PerSecond, "N0");
            results.Median($"{receivers} receivers: generator CPU per delivery", r => r.GeneratorMicros, "F2", " µs");
            results.Median($"{receivers} receivers: server CPU per delivery", r => r.ServerMicros, "F2", " µs");
            results.Text($"{receivers} receivers: missing / duplicated / reordered / unacked sends (all rounds)", runs => DeliveryChecks.Total(runs.Select(r => r.Checks)));
        }

        return comparisons;
    }

    /// <summary>One run: starts a server (or uses <paramref name="on"/>), connects, warms up, sends and checks.</summary>
    public static async Task<Result> MeasureAsync(ServerKind kind, int receivers, Options options, CancellationToken cancellationToken, BenchServer? on = null)
    {
        var messages = options.Messages > 0 ? options.Messages : Math.Max(1000, MaxDeliveries / receivers);
        await using var stage = await Stage.StartAsync(kind, receivers, options.TextLength, () => new DeliveryLog(messages, options.Senders, keepLatencies: false), cancellationToken, on: on);
        await ServerCounters.WarmUpAsync(stage.Server, cancellationToken);
        await stage.WarmUpAsync(options.WarmUp, cancellationToken, options.Window, options.WindowAtReceiver);

        var plan = new SendPlan(
            BenchText.Measured, 0, messages, options.Senders, options.TextLength, options.Window, For: options.Messages > 0 ? null : options.Duration,
            WindowAt: options.WindowAtReceiver ? stage.Logs[0] : null);
        var before = await ServerCounters.ReadAsync(stage.Server, cancellationToken);
        var cpu = CpuMeter.Start(stage.Server);
        var start = Stopwatch.GetTimestamp();
        var sent = (await Task.WhenAll(Enumerable.Range(0, options.Senders)
            .Select(s => Sender.RunAsync(stage.Connections[s], $"r{s}", s, plan, cancellationToken)))).Aggregate((a, b) => a + b);
        var sending = Stopwatch.GetElapsedTime(start);
        var complete = await Stage.WaitUntilAsync(() => stage.Readers.All(log => log.Received >= sent.Sent), TimeSpan.FromSeconds(30), cancellationToken);
        var end = complete ? stage.Readers.Max(log => log.LastAt) : Stopwatch.GetTimestamp();
        var delivered = stage.Readers.Sum(log => log.Received);
        var (generator, server) = cpu.PerDelivery(delivered);
        var after = await ServerCounters.ReadAsync(stage.Server, cancellationToken);
        return new Result(
            delivered / Stopwatch.GetElapsedTime(start, end).TotalSeconds,
            sent.Acked / sending.TotalSeconds,
            generator,
            server,
            DeliveryChecks.Of(stage.Readers, sent.Sent * receivers, delivered, sent),
            ServerCounters.Between(before, after));
    }
}
