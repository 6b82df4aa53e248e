using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// The slow-consumer scenario of the targets (100 receivers, one stops reading after the warm-up, 5,000 messages of
/// 4 KiB, 200 in flight counted at the first receiver) on a server that ran other load first, in two orders: after
/// 10,000 idle connections and the 1,000-receiver fan-out ("heavy"), and after the 1,000-receiver latency scenario
/// ("light"). Each order runs on one server process from start to end; what the slow consumer grows the server's
/// memory by is compared between the orders, with where Chat's memory was before and after it.
/// </summary>
internal static class SlowConsumerAfterLoadBenchmark
{
    public sealed record Options(int Rounds, int IdleConnections, TimeSpan WarmUp);

    private enum Order
    {
        Heavy,
        Light,
    }

    public static async Task<bool> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"slow consumer after load: {options.Rounds} rounds; each runs, on one server process per order, {options.IdleConnections:N0} idle connections then the fan-out to 1,000 (heavy), or the latency scenario at 1,000 receivers (light), then the slow consumer"));
        var slow = new SlowConsumerBenchmark.Options(1, Receivers: 100, TimeSpan.Zero, TextLength: 4096, options.WarmUp, Messages: 5000, Window: 200, WindowAtReceiver: true);
        var heavy = new Comparison<SlowConsumerBenchmark.Result>(output);
        var light = new Comparison<SlowConsumerBenchmark.Result>(output);
        for (var round = 1; round <= options.Rounds; round++)
        {
            // Alternate which order and which server go first, so drift on a shared machine hits them alike.
            Order[] orders = round % 2 == 1 ? [Order.Heavy, Order.Light] : [Order.Light, Order.Heavy];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round} of {options.Rounds}:"));
            foreach (var order in orders)
            {
                await (order == Order.Heavy ? heavy : light).RunAsync(1, kind => MeasureAsync(kind, order, slow, options, output, cancellationToken), r => Describe(order, r));
            }
        }

        Table(heavy, $"slow consumer after {options.IdleConnections:N0} idle connections and the fan-out to 1,000 (medians)");
        Table(light, "slow consumer after the latency scenario (medians)");
        var (heavyGrowth, _) = heavy.Medians(r => r.MemoryGrowth);
        var (lightGrowth, _) = light.Medians(r => r.MemoryGrowth);
        var met = heavy.First.Concat(light.First).All(r => r.MemoryGrowth < 32 && r.Missing == 0 && r.Unacked == 0);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Chat's growth under the slow consumer: median {heavyGrowth:F0} MB after the heavy load, {lightGrowth:F0} MB after the light one; every run under 32 MB with nothing missing: {(met ? "yes" : "no")}"));
        return met;

        void Table(Comparison<SlowConsumerBenchmark.Result> results, string title)
        {
            results.Header(title);
            results.Median("server memory growth (peak RSS)", r => r.MemoryGrowth, "F0", " MB");
            results.Median("the others' longest pause", r => r.LongestPause, "F2", " s");
            results.Text("growth in each round", runs => string.Join(", ", runs.Select(r => r.MemoryGrowth.ToString("F0", CultureInfo.InvariantCulture))));
            results.Text("sent but not delivered to the others / unacked (all rounds)", runs => $"{runs.Sum(r => r.Missing)} / {runs.Sum(r => r.Unacked)}");
        }
    }

    private static async Task<SlowConsumerBenchmark.Result> MeasureAsync(
        ServerKind kind, Order order, SlowConsumerBenchmark.Options slow, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        await using var server = await Stage.StartServerAsync(kind, slow.TextLength, cancellationToken);
        if (order == Order.Heavy)
        {
            var idle = await IdleMemoryBenchmark.MeasureAsync(kind, new IdleMemoryBenchmark.Options(1, options.IdleConnections, TimeSpan.Zero), cancellationToken, server);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind}: {options.IdleConnections:N0} idle connections, RSS {idle.ResidentMiB:F0} MiB with all connected"));
            var fanout = new FanoutBenchmark.Options(1, [1000], TimeSpan.Zero, Senders: 1, Window: 200, TextLength: 64, options.WarmUp, Messages: 1000, WindowAtReceiver: true);
            var delivered = await FanoutBenchmark.MeasureAsync(kind, 1000, fanout, cancellationToken, server);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind}: fan-out to 1,000, {delivered.PerSecond:N0} deliveries/s, {delivered.Checks}"));
        }
        else
        {
            var latency = await LatencyBenchmark.MeasureAsync(
                kind, new LatencyBenchmark.Options(1, Receivers: 1000, PerSecond: 50, TimeSpan.FromSeconds(10), TextLength: 64, options.WarmUp), cancellationToken, server);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind}: latency at 1,000 receivers, p99 {latency.P99:F2} ms, {latency.Checks}"));
        }

        var memory = await ServerCounters.MemoryAsync(server, cancellationToken);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {kind}: before the slow consumer: {memory?.ToString() ?? $"RSS {server.ResidentBytes() / (1024.0 * 1024.0):F0} MiB"}"));
        return await SlowConsumerBenchmark.MeasureAsync(kind, slow, cancellationToken, server);
    }

    private static string Describe(Order order, SlowConsumerBenchmark.Result r) => string.Create(CultureInfo.InvariantCulture,
        $"{(order == Order.Heavy ? "heavy" : "light")}: server memory +{r.MemoryGrowth:F0} MB under the slow consumer, longest pause {r.LongestPause:F2} s, missing {r.Missing}, unacked {r.Unacked}{(r.Before is { } before ? $"; as it began: {before}; at its end: {r.After}" : "")}");
}
