using Chat.Server.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.ScaleOut;

/// <summary>
/// The node's one connection to Redis, shared by the SignalR backplane, presence and readiness, so all
/// three agree on whether Redis is reachable. It never fails the start: a node that cannot reach Redis
/// starts unready and recovers when Redis returns.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;

    public RedisConnection(IOptions<ChatOptions> options)
    {
        var chat = options.Value;
        Prefix = chat.RedisPrefix;
        _multiplexer = new Lazy<Task<IConnectionMultiplexer>>(async () =>
        {
            var configuration = ConfigurationOptions.Parse(chat.Redis!);
            configuration.AbortOnConnectFail = false;
            configuration.ReconnectRetryPolicy = new LinearRetry(1000);
            configuration.ChannelPrefix = RedisChannel.Literal(Prefix);
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
            multiplexer.ConnectionFailed += (_, _) => Lost?.Invoke();
            return multiplexer;
        });
    }

    /// <summary>Raised when the connection to Redis breaks (it reconnects by itself).</summary>
    public event Action? Lost;

    public string Prefix { get; }

    /// <summary>True while the connection to Redis is up.</summary>
    public bool IsConnected => _multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully && _multiplexer.Value.Result.IsConnected;

    public Task<IConnectionMultiplexer> MultiplexerAsync() => _multiplexer.Value;

    public async Task<IDatabase> DatabaseAsync() => (await _multiplexer.Value).GetDatabase();

    public async ValueTask DisposeAsync()
    {
        if (_multiplexer.IsValueCreated)
        {
            await (await _multiplexer.Value).DisposeAsync();
        }
    }
}

/// <summary>Ready only while Redis answers a PING.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var database = await redis.DatabaseAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            var latency = await database.PingAsync().WaitAsync(TimeSpan.FromSeconds(3), cancellationToken);
            return HealthCheckResult.Healthy($"Redis answers in {latency.TotalMilliseconds:F1} ms.");
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis does not answer.", exception);
        }
    }
}
