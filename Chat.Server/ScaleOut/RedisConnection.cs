using Chat.Server.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.ScaleOut;

/// <summary>
/// Chat's own connection to Redis (presence and readiness; the SignalR backplane keeps its own).
/// It never fails the start: a node that cannot reach Redis starts unready and recovers when Redis returns.
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
            configuration.ClientName = $"chat-{Environment.MachineName}";
            return await ConnectionMultiplexer.ConnectAsync(configuration);
        });
    }

    public string Prefix { get; }

    /// <summary>True while the connection to Redis is up.</summary>
    public bool IsConnected => _multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully && _multiplexer.Value.Result.IsConnected;

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
