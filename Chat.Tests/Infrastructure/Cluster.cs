using Chat.Testing;
using System.Net;
using Npgsql;

namespace Chat.Tests.Infrastructure;

/// <summary>
/// Two Chat processes sharing one PostgreSQL database and one Redis, all real and on loopback. Node A
/// may reach Redis and PostgreSQL through proxies, so a test can delay or hang what one node sees.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    private Cluster(RedisServer redis, TcpProxy redisOfA, TcpProxy postgresOfA, ChatProcess a, ChatProcess b)
    {
        Redis = redis;
        RedisOfA = redisOfA;
        PostgresOfA = postgresOfA;
        A = a;
        B = b;
    }

    public RedisServer Redis { get; }

    /// <summary>Node A's way to Redis.</summary>
    public TcpProxy RedisOfA { get; }

    /// <summary>Node A's way to PostgreSQL.</summary>
    public TcpProxy PostgresOfA { get; }

    public ChatProcess A { get; }

    public ChatProcess B { get; }

    /// <summary>Starts Redis, a fresh database and two nodes with the rate limit off and <paramref name="arguments"/>.</summary>
    public static async Task<Cluster> StartAsync(params string[] arguments)
    {
        var redis = await RedisServer.StartAsync();
        var database = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        var redisOfA = new TcpProxy(redis.Port);
        var postgresOfA = new TcpProxy(new NpgsqlConnectionStringBuilder(database).Port);
        string[] common = ["--Chat:RateLimit:PerSecond", "0", .. arguments];
        var a = await ChatProcess.StartAsync(
            ["--ConnectionStrings:Chat", new NpgsqlConnectionStringBuilder(database) { Port = postgresOfA.Port }.ConnectionString, "--Chat:Redis", $"127.0.0.1:{redisOfA.Port}", .. common]);
        var b = await ChatProcess.StartAsync(["--ConnectionStrings:Chat", database, "--Chat:Redis", redis.ConnectionString, .. common]);
        return new Cluster(redis, redisOfA, postgresOfA, a, b);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        await RedisOfA.DisposeAsync();
        await PostgresOfA.DisposeAsync();
        await Redis.DisposeAsync();
    }

    public static async Task WaitUntilOnlineAsync(TestClient client, params string[] users)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(await client.OnlineUsersAsync()).SequenceEqual(users))
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"presence should become [{string.Join(", ", users)}]");
            await Task.Delay(100);
        }
    }

    /// <summary>Waits until <c>/readyz</c> on <paramref name="node"/> answers <paramref name="expected"/>.</summary>
    public static async Task WaitForReadinessAsync(Uri node, HttpStatusCode expected)
    {
        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await http.GetAsync(new Uri(node, "/readyz"));
            if (response.StatusCode == expected)
            {
                return;
            }

            DateTime.UtcNow.Should().BeBefore(deadline, $"/readyz on {node} should answer {(int)expected}");
            await Task.Delay(200);
        }
    }
}
