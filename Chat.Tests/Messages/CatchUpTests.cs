using Chat.Testing;
using Chat.Tests.Infrastructure;
using Chat.Tests.ScaleOut;

namespace Chat.Tests.Messages;

/// <summary>SPEC section 12's exact catch-up, randomized (<see cref="CatchUpFuzz"/>), on one node.</summary>
public class CatchUpTests
{
    [Fact]
    public async Task A_client_that_drops_at_random_points_sees_exactly_the_servers_messages_and_changes()
    {
        var seed = Seed();
        await using var chat = await ChatProcess.StartAsync("--Chat:RateLimit:PerSecond", "0");
        await using var proxy = new TcpProxy(chat.Url.Port);
        await using var alice = await chat.ConnectAsync("alice");
        (string, TestClient)[] actors = [("bob", await chat.ConnectAsync("bob")), ("carol", await chat.ConnectAsync("carol")), ("dave", await chat.ConnectAsync("dave"))];
        try
        {
            await CatchUpFuzz.PrepareAsync(alice, actors);
            await new CatchUpFuzz(seed, new Uri($"http://127.0.0.1:{proxy.Port}"), alice, actors).RunAsync(proxy, rounds: 6, operations: 40);
        }
        finally
        {
            foreach (var (_, actor) in actors)
            {
                await actor.DisposeAsync();
            }
        }
    }

    /// <summary>A fixed seed from <c>CHAT_TEST_SEED</c> to replay a failure, else a new one (each failure's message names it).</summary>
    internal static int Seed() =>
        int.TryParse(Environment.GetEnvironmentVariable("CHAT_TEST_SEED"), out var seed) ? seed : Random.Shared.Next();
}

/// <summary>The same on two nodes with Redis and PostgreSQL, node A's bus traffic delayed by a proxy.</summary>
public sealed class CatchUpClusterTests : ClusterTest
{
    [SkippableFact]
    public async Task A_client_on_one_node_sees_exactly_what_was_changed_on_both_while_the_others_bus_lags()
    {
        var seed = CatchUpTests.Seed();
        Cluster.RedisOfA.Delay = TimeSpan.FromMilliseconds(150);
        await using var proxy = new TcpProxy(B.Url.Port);
        await using var alice = await B.ConnectAsync("alice");
        (string, TestClient)[] actors = [("bob", await A.ConnectAsync("bob")), ("carol", await B.ConnectAsync("carol")), ("dave", await A.ConnectAsync("dave"))];
        try
        {
            await CatchUpFuzz.PrepareAsync(alice, actors);
            await new CatchUpFuzz(seed, new Uri($"http://127.0.0.1:{proxy.Port}"), alice, actors).RunAsync(proxy, rounds: 4, operations: 40);
        }
        finally
        {
            foreach (var (_, actor) in actors)
            {
                await actor.DisposeAsync();
            }
        }
    }
}
