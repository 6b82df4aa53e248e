using System.Diagnostics;
using System.Globalization;

namespace Chat.Bench;

/// <summary>
/// What one healthy receiver with stateful reconnect (the npm client, <c>withStatefulReconnect()</c>)
/// costs everyone else: acked sends per second and the others' deliveries when one of the receivers is
/// the npm client without it and with it, four runs a round (the rest are raw receivers).
/// </summary>
internal static class StatefulReceiverBenchmark
{
    public sealed record Options(int Rounds, int Receivers, int Window, TimeSpan Duration, int TextLength, TimeSpan WarmUp);

    /// <summary>One server's round: the means of its runs without and with the stateful receiver.</summary>
    public sealed record Result(double AckedWithout, double AckedWith, double OthersWithout, double OthersWith, double GapWith, DeliveryChecks Checks)
    {
        public double Cost => 1 - (OthersWith / OthersWithout);
    }

    public static async Task<Comparison<Result>> RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stateful receiver: {options.Rounds} alternating rounds, {options.Receivers} receivers (one the npm client: without withStatefulReconnect(), with it, with it, without it), 1 sender with up to {options.Window} unacked, {options.TextLength}-character texts, {options.Duration.TotalSeconds:0.#} s per run, means per round"));
        var results = new Comparison<Result>(output);
        await results.RunAsync(options.Rounds, kind => MeasureAsync(kind, options, cancellationToken), r => string.Create(
            CultureInfo.InvariantCulture,
            $"acked/s {r.AckedWithout,8:N0} without, {r.AckedWith,8:N0} with  others' deliveries/s {r.OthersWithout,9:N0} without, {r.OthersWith,9:N0} with (cost {r.Cost:P0})  their longest gap with it {r.GapWith:F2} s  {r.Checks}"));

        results.Header(string.Create(CultureInfo.InvariantCulture, $"one stateful-reconnect receiver among {options.Receivers} (medians)"));
        results.Median("acked sends/s, the npm client without stateful reconnect", r => r.AckedWithout, "N0");
        results.Median("acked sends/s, one of them with stateful reconnect", r => r.AckedWith, "N0");
        results.Median("the others' deliveries/s: what it costs them", r => r.Cost * 100, "F1", " %");
        results.Median("the others' longest gap with it", r => r.GapWith, "F2", " s");
        results.Text("missing / duplicated / reordered / unacked sends (all rounds)", runs => DeliveryChecks.Total(runs.Select(r => r.Checks)));
        return results;
    }

    /// <summary>
    /// Without, with, with, without: the machine's drift over the four runs (it is shared and noisy) weighs on
    /// both sides alike, where one run of each put it all on one side (the bare hub's "cost" then ranged from
    /// -32 % to +4 % in one session).
    /// </summary>
    private static async Task<Result> MeasureAsync(ServerKind kind, Options options, CancellationToken cancellationToken)
    {
        var without = new List<Run>();
        var with = new List<Run>();
        foreach (var stateful in new[] { false, true, true, false })
        {
            (stateful ? with : without).Add(await RunOnceAsync(kind, options, stateful, cancellationToken));
        }

        return new Result(
            without.Average(run => run.Acked),
            with.Average(run => run.Acked),
            without.Average(run => run.Others),
            with.Average(run => run.Others),
            with.Max(run => run.Gap),
            with.Concat(without).Aggregate(default(DeliveryChecks), (a, b) => a + b.Checks));
    }

    private static async Task<Run> RunOnceAsync(
        ServerKind kind, Options options, bool stateful, CancellationToken cancellationToken)
    {
        const int Messages = 1_000_000;
        var raw = options.Receivers - 1;
        await using var stage = await Stage.StartAsync(kind, raw, options.TextLength, () => new DeliveryLog(Messages, senders: 1, keepLatencies: false), cancellationToken);
        using var receiver = await NodeReceiver.StartAsync(stage.Server.Url, $"r{raw}", stateful, cancellationToken);
        await stage.WarmUpAsync(options.WarmUp, cancellationToken);

        var plan = new SendPlan(BenchText.Measured, 0, Messages, Senders: 1, options.TextLength, options.Window, For: options.Duration);
        var start = Stopwatch.GetTimestamp();
        var sent = await Sender.RunAsync(stage.Connections[0], "r0", 0, plan, cancellationToken);
        var sending = Stopwatch.GetElapsedTime(start);
        var complete = await Stage.WaitUntilAsync(() => stage.Readers.All(log => log.Received >= sent.Sent), TimeSpan.FromSeconds(30), cancellationToken);
        var end = complete ? stage.Readers.Max(log => log.LastAt) : Stopwatch.GetTimestamp();
        var delivered = stage.Readers.Sum(log => log.Received);
        return new Run(
            sent.Acked / sending.TotalSeconds,
            delivered / Stopwatch.GetElapsedTime(start, end).TotalSeconds,
            (double)stage.Readers.Max(log => log.LongestGap) / Stopwatch.Frequency,
            DeliveryChecks.Of(stage.Readers, sent.Sent * raw, delivered, sent));
    }

    /// <summary>One run: acked sends/s, the others' deliveries/s, their longest gap in seconds, and the checks.</summary>
    private readonly record struct Run(double Acked, double Others, double Gap, DeliveryChecks Checks);

    /// <summary><c>stateful-receiver.js</c> under Node.js, with the npm client the build restored into the repository's <c>wwwroot/</c>.</summary>
    private sealed class NodeReceiver : IDisposable
    {
        private readonly Process _process;

        private NodeReceiver(Process process) => _process = process;

        public static async Task<NodeReceiver> StartAsync(Uri server, string user, bool stateful, CancellationToken cancellationToken)
        {
            var start = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "stateful-receiver.js"));
            start.ArgumentList.Add(server.ToString().TrimEnd('/'));
            start.ArgumentList.Add(user);
            start.ArgumentList.Add(stateful ? "stateful" : "plain");
            start.Environment["NODE_PATH"] = Path.Combine(RepositoryRoot(), "wwwroot", "node_modules");
            var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
            var first = await process.StandardOutput.ReadLineAsync(cancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            if (first != "connected")
            {
                process.Kill();
                throw new InvalidOperationException($"The npm client did not connect: {first}");
            }

            return new NodeReceiver(process);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }

        private static string RepositoryRoot()
        {
            for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Chat.sln")))
                {
                    return folder.FullName;
                }
            }

            throw new InvalidOperationException("The benchmark runs from inside the repository (it needs wwwroot/node_modules).");
        }
    }
}
