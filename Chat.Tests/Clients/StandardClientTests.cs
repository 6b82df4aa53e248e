using Chat.Testing;
using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.Clients;

/// <summary>
/// The official SignalR clients as apps use them (the npm client under Node.js and the .NET client),
/// with their default automatic reconnect and the catch-up of the hub contract: whatever the server or
/// the cluster goes through, they come back by themselves and end up with every message.
/// </summary>
public sealed class StandardClientTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(60);

    [SkippableTheory]
    [InlineData("js")]
    [InlineData("dotnet")]
    public async Task Through_a_Redis_outage_of_10_seconds_the_client_keeps_its_connection_and_gets_every_message(string kind)
    {
        await using var cluster = await Cluster.StartAsync();
        await using var client = await StandardClient.StartAsync(kind, cluster.A.Url, "reader");
        await using var sender = await cluster.B.ConnectAsync("sender");
        var ids = new List<long> { (await sender.SendAsync("before", "sender"))!.Id };

        // Act: Redis is gone for 10 s while the other node goes on sending.
        await cluster.Redis.StopAsync();
        var stopped = DateTime.UtcNow;
        while (DateTime.UtcNow - stopped < TimeSpan.FromSeconds(10))
        {
            ids.Add((await sender.SendAsync($"during {ids.Count}", "sender"))!.Id);
            await Task.Delay(500);
        }

        await cluster.Redis.StartAgainAsync();
        await Cluster.WaitForReadinessAsync(cluster.B.Url, HttpStatusCode.OK);
        ids.Add((await sender.SendAsync("after", "sender"))!.Id);

        // Assert
        await client.SawAllAsync(ids, Within);
        client.Closed.IsCompleted.Should().BeFalse();
    }

    [SkippableTheory]
    [InlineData("js")]
    [InlineData("dotnet")]
    public async Task Through_a_hung_Redis_the_client_gets_every_message(string kind)
    {
        await using var cluster = await Cluster.StartAsync();
        await using var client = await StandardClient.StartAsync(kind, cluster.A.Url, "reader");
        await using var sender = await cluster.B.ConnectAsync("sender");
        var ids = new List<long>();

        // Act: Redis stops answering (SIGSTOP) while the other node sends.
        cluster.Redis.Hang();
        try
        {
            for (var n = 0; n < 6; n++)
            {
                ids.Add((await sender.SendAsync($"while Redis hangs {n}", "sender"))!.Id);
                await Task.Delay(500);
            }

            // Assert
            await client.SawAllAsync(ids, Within);
        }
        finally
        {
            cluster.Redis.Wake();
        }

        ids.Add((await sender.SendAsync("after", "sender"))!.Id);
        await client.SawAllAsync(ids, Within);
        client.Closed.IsCompleted.Should().BeFalse();
    }

    [SkippableTheory]
    [InlineData("js")]
    [InlineData("js-stateful")]
    [InlineData("dotnet")]
    public async Task When_its_node_restarts_the_client_reconnects_by_itself_and_catches_up(string kind)
    {
        await using var cluster = await Cluster.StartAsync();
        await using var client = await StandardClient.StartAsync(kind, cluster.A.Url, "reader");
        await using var sender = await cluster.B.ConnectAsync("sender");
        var ids = new List<long> { (await sender.SendAsync("before the restart", "sender"))!.Id };

        // Act: node A restarts (SIGTERM, then a new process on the same port) while node B goes on.
        var restart = cluster.A.RestartGracefullyAsync();
        for (var n = 0; n < 5; n++)
        {
            ids.Add((await sender.SendAsync($"while A restarts {n}", "sender"))!.Id);
            await Task.Delay(200);
        }

        await restart;
        ids.Add((await sender.SendAsync("after the restart", "sender"))!.Id);

        // Assert
        await client.SawAllAsync(ids, Within);
        client.Reconnects.Should().BeGreaterThanOrEqualTo(1);
        client.Closed.IsCompleted.Should().BeFalse("the server closed its connection in a way it comes back from");
    }

    [SkippableTheory]
    [InlineData("js")]
    [InlineData("dotnet")]
    public async Task When_it_stops_reading_and_is_dropped_the_client_reconnects_by_itself_and_catches_up(string kind)
    {
        await using var chat = await ChatProcess.StartAsync(
            "--Chat:RateLimit:PerSecond", "0", "--Chat:MaxMessageLength", "16000", "--Chat:SlowClient:MaxBufferBytes", "262144");
        await using var proxy = new TcpProxy(chat.Url.Port, serverReceiveBuffer: 4096);
        await using var client = await StandardClient.StartAsync(kind, new Uri($"http://127.0.0.1:{proxy.Port}"), "reader");
        await using var sender = await chat.ConnectAsync("sender");

        // Act: the client's network stalls (nothing it is sent is read) while 8 MB are sent.
        proxy.Pause();
        var text = new string('x', 16_000 - 64);
        var ids = new List<long>();
        for (var n = 0; n < 500; n++)
        {
            ids.Add((await sender.SendAsync($"{n:000} {text}", "sender"))!.Id);
        }

        await chat.DroppedAsync(); // the server dropped the client that stopped reading
        proxy.Resume();

        // Assert
        await client.SawAllAsync(ids, Within);
        client.Reconnects.Should().BeGreaterThanOrEqualTo(1);
        client.Closed.IsCompleted.Should().BeFalse();
    }
}
