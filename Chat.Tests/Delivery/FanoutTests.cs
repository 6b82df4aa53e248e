using Chat.Testing;
using System.Text.Json;
using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;
using Chat.Tests.Operations;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Delivery;

/// <summary>What the fan-out does on one node and on two with Redis: several messages per write, and a metric of what was written.</summary>
[Collection(NonParallelTests.Name)]
public sealed class FanoutTests
{
    [SkippableTheory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_burst_reaches_a_client_in_fewer_websocket_messages_than_chat_messages_each_once_and_in_order(int nodes)
    {
        await using var cluster = nodes == 2 ? await Cluster.StartAsync() : null;
        await using var single = nodes == 1 ? await ChatProcess.StartAsync("--Chat:RateLimit:PerSecond", "0") : null;
        var readerNode = cluster?.A ?? single!;
        var senderNode = cluster?.B ?? single!;
        using var reader = await RawHubSocket.ConnectAsync(readerNode.Url, "reader");
        await using var sender = await senderNode.ConnectAsync("sender");

        // Act: 200 sends in flight at once, committed in a few batches.
        var acks = await Task.WhenAll(Enumerable.Range(0, 200).Select(n => sender.Connection.InvokeAsync<ChatMessage>(nameof(IChatHub.SendMessage), $"burst {n}", "sender")));

        // Assert
        var ids = new List<long>();
        var frames = 0;
        while (ids.Count < acks.Length)
        {
            var records = await reader.ReceiveFrameAsync() ?? throw new InvalidOperationException("closed");
            frames++;
            ids.AddRange(records.Select(Id).OfType<long>());
        }

        ids.Should().Equal(acks.Select(a => a.Id).Order(), "each message once, in id order");
        frames.Should().BeLessThan(acks.Length / 2, "several messages reach the client in one WebSocket message");
        var (delivered, writes) = (await CounterAsync(readerNode.Url, "chat_messages_delivered_total"), await CounterAsync(readerNode.Url, "chat_connection_writes_total"));
        delivered.Should().BeGreaterThanOrEqualTo(acks.Length);
        writes.Should().BeLessThan(delivered / 2, "runs of messages are written to a connection with one write");
    }

    [SkippableFact]
    public async Task The_delivered_metric_counts_the_messages_written_to_each_connection_on_every_node()
    {
        await using var cluster = await Cluster.StartAsync();
        await using var alice = await cluster.A.ConnectAsync("alice");
        await using var bob = await cluster.A.ConnectAsync("bob");
        await using var sender = await cluster.B.ConnectAsync("sender");

        // Act: 20 messages committed on node B.
        for (var n = 0; n < 20; n++)
        {
            await sender.SendAsync($"counted {n}", "sender");
        }

        await alice.MessagesAsync(20);
        await bob.MessagesAsync(20);
        await sender.MessagesAsync(20);

        // Assert: node A wrote each to alice and bob, node B each to the sender.
        await Eventually.UntilAsync(async () => await CounterAsync(cluster.A.Url, "chat_messages_delivered_total") == 40, "node A counts 40 messages written");
        (await CounterAsync(cluster.B.Url, "chat_messages_delivered_total")).Should().Be(20);
    }

    private static long? Id(string record)
    {
        using var json = JsonDocument.Parse(record);
        return json.RootElement.TryGetProperty("target", out var target) && target.GetString() == nameof(IChatClient.ReceiveMessage)
            ? json.RootElement.GetProperty("arguments")[0].GetProperty("id").GetInt64()
            : null;
    }

    /// <summary>A counter's value in <paramref name="node"/>'s <c>/metrics</c> (0 before its first count).</summary>
    private static async Task<long> CounterAsync(Uri node, string name)
    {
        using var http = new HttpClient();
        var metrics = await http.GetStringAsync(new Uri(node, "/metrics"));
        var match = Regex.Match(metrics, $@"^{name}\{{[^}}]*\}} (\d+)", RegexOptions.Multiline);
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }
}
