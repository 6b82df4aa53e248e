using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench;

/// <summary>
/// Deliveries per second on one node versus two nodes (Redis backplane), both on the same PostgreSQL
/// history: receivers are spread over the nodes, senders send as fast as their acks come back, and a
/// round ends when every receiver has every message.
/// </summary>
internal static class ClusterBenchmark
{
    public sealed record Options(int Rounds, int Messages, int Senders, int Receivers, string Redis, string Postgres);

    public static async Task RunAsync(Options options, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine($"{options.Receivers} receivers, {options.Senders} senders, {options.Messages} messages per round, {options.Rounds} alternating rounds");
        var one = new List<double>();
        var two = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            one.Add(await MeasureAsync(options, nodes: 1, round, cancellationToken));
            two.Add(await MeasureAsync(options, nodes: 2, round, cancellationToken));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"round {round}: 1 node {one[^1],10:N0} deliveries/s   2 nodes {two[^1],10:N0} deliveries/s"));
        }

        output.WriteLine();
        output.WriteLine("| setup | deliveries/s (median) |");
        output.WriteLine("| --- | ---: |");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| 1 node (no backplane) | {Stats.Median(one):N0} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| 2 nodes (Redis backplane) | {Stats.Median(two):N0} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| ratio 2 nodes / 1 node | {Stats.Median(two) / Stats.Median(one):F2} |"));
    }

    private static async Task<double> MeasureAsync(Options options, int nodes, int round, CancellationToken cancellationToken)
    {
        // Each setup gets its own Redis prefix, so rounds never hear each other.
        string[] settings = nodes == 1
            ? ["--ConnectionStrings:Chat", options.Postgres]
            : ["--ConnectionStrings:Chat", options.Postgres, "--Chat:Redis", options.Redis, "--Chat:RedisPrefix", $"bench{round}"];
        var servers = new List<BenchServer>();
        var connections = new List<HubConnection>();
        try
        {
            for (var i = 0; i < nodes; i++)
            {
                servers.Add(await BenchServer.StartAsync(cancellationToken, settings));
            }

            var expected = (long)options.Messages * options.Receivers;
            long delivered = 0;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            for (var r = 0; r < options.Receivers; r++)
            {
                var receiver = await Stats.ConnectAsync(servers[r % nodes].Url, $"r{r}", cancellationToken);
                receiver.On<object>(nameof(IChatClient.ReceiveMessage), _ =>
                {
                    if (Interlocked.Increment(ref delivered) == expected)
                    {
                        done.TrySetResult();
                    }
                });
                connections.Add(receiver);
            }

            var senders = new List<HubConnection>();
            for (var s = 0; s < options.Senders; s++)
            {
                senders.Add(await Stats.ConnectAsync(servers[s % nodes].Url, $"s{s}", cancellationToken));
            }

            connections.AddRange(senders);
            var text = new string('m', 64);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(senders.Select(async (sender, s) =>
            {
                for (var n = s; n < options.Messages; n += options.Senders)
                {
                    await sender.InvokeAsync<object>(nameof(IChatHub.SendMessage), text, $"s{s}", cancellationToken);
                }
            }));
            await done.Task.WaitAsync(TimeSpan.FromMinutes(5), cancellationToken);
            return expected / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }

            foreach (var server in servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}
