using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Bench;

/// <summary>Acked sends per second: each sender awaits every ack (committed) before its next send.</summary>
internal static class SendBenchmark
{
    public sealed record Options(int Rounds, int Messages, int Senders);

    public static async Task RunAsync(Uri server, Options options, TextWriter output, CancellationToken cancellationToken)
    {
        var one = new List<double>();
        var many = new List<double>();
        output.WriteLine($"server {server}, {options.Rounds} rounds, {options.Messages} messages per sender per round, 64-byte texts");
        for (var round = 1; round <= options.Rounds; round++)
        {
            one.Add(await MeasureAsync(server, 1, options.Messages, cancellationToken));
            many.Add(await MeasureAsync(server, options.Senders, options.Messages, cancellationToken));
            output.WriteLine($"round {round}: 1 sender {one[^1],10:N0} acked/s   {options.Senders} senders {many[^1],10:N0} acked/s");
        }

        output.WriteLine();
        output.WriteLine("| scenario | acked sends/s (median) |");
        output.WriteLine("| --- | ---: |");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| 1 sender | {Stats.Median(one):N0} |"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {options.Senders} concurrent senders | {Stats.Median(many):N0} |"));
    }

    private static async Task<double> MeasureAsync(Uri server, int senders, int messages, CancellationToken cancellationToken)
    {
        var connections = new List<HubConnection>();
        try
        {
            for (var i = 0; i < senders; i++)
            {
                connections.Add(await Stats.ConnectAsync(server, $"bench{i}", cancellationToken));
            }

            var text = new string('m', 64);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(connections.Select(async (connection, i) =>
            {
                for (var n = 0; n < messages; n++)
                {
                    await connection.InvokeAsync<object>(nameof(IChatHub.SendMessage), text, $"bench{i}", cancellationToken);
                }
            }));
            return senders * messages / clock.Elapsed.TotalSeconds;
        }
        finally
        {
            foreach (var connection in connections)
            {
                await connection.DisposeAsync();
            }
        }
    }

}
