using Chat.Server.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Server.ScaleOut;

/// <summary>
/// The node's one connection to Redis, shared by the cluster bus, presence and readiness, so all three
/// agree on whether Redis is there. It never fails the start: a node that cannot reach Redis starts
/// with Redis down and carries on when it returns. A watchdog pings Redis every second, because a Redis
/// that hangs (stopped, or behind a dead network) keeps its TCP connection open and looks connected.
/// </summary>
public sealed partial class RedisConnection : BackgroundService
{
    /// <summary>How often the watchdog pings Redis.</summary>
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(1);

    /// <summary>A ping that takes longer than this means Redis is down.</summary>
    public static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    /// <summary>How long a starting node keeps trying Redis before it gives up (a busy machine may take more than one ping).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Lazy<Task<IConnectionMultiplexer>> _multiplexer;
    private readonly ILogger<RedisConnection> _logger;
    private volatile bool _up;

    public RedisConnection(IOptions<ScaleOutOptions> options, ILogger<RedisConnection> logger)
    {
        var chat = options.Value;
        _logger = logger;
        Prefix = chat.RedisPrefix;
        Endpoints = string.Join(", ", ConfigurationOptions.Parse(chat.Redis!).EndPoints.Select(endpoint => endpoint.ToString()));
        _multiplexer = new Lazy<Task<IConnectionMultiplexer>>(async () =>
        {
            var configuration = ConfigurationOptions.Parse(chat.Redis!);
            configuration.AbortOnConnectFail = false;
            configuration.ReconnectRetryPolicy = new LinearRetry(1000);
            configuration.AsyncTimeout = (int)PingTimeout.TotalMilliseconds;
            configuration.SyncTimeout = (int)PingTimeout.TotalMilliseconds;
            configuration.ChannelPrefix = RedisChannel.Literal(Prefix);
            var multiplexer = await ConnectionMultiplexer.ConnectAsync(configuration);
            multiplexer.ConnectionFailed += (_, _) => Lost();
            return multiplexer;
        });
    }

    /// <summary>Redis answered the last ping; raised again whenever it comes back after being down.</summary>
    public event Action? Up;

    public string Prefix { get; }

    /// <summary>Where Redis is, for log lines and errors (no password).</summary>
    public string Endpoints { get; }

    /// <summary>This server's id in the cluster (new at every start).</summary>
    public Guid Node { get; } = Guid.NewGuid();

    /// <summary>True while Redis answers: the bus and presence use it; otherwise they work around it.</summary>
    public bool IsUp => _up;

    public Task<IConnectionMultiplexer> MultiplexerAsync() => _multiplexer.Value;

    public async Task<IDatabase> DatabaseAsync() => (await _multiplexer.Value).GetDatabase();

    /// <summary>
    /// Connects and pings once before the server takes connections. A node that cannot reach Redis at start does
    /// not start (it would serve alone, unseen by the others); once running, it rides out Redis outages.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        await PingAsync(cancellationToken);
        while (!_up && TimeProvider.System.GetElapsedTime(started) < StartTimeout)
        {
            await Task.Delay(PingInterval, cancellationToken);
            await PingAsync(cancellationToken);
        }

        if (!_up)
        {
            throw new StartupException(
                $"cannot reach Redis at {Endpoints} (Chat:Redis): it did not answer within {StartTimeout.TotalSeconds:0} s. Start it, or unset Chat:Redis to run a single node.");
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_multiplexer.IsValueCreated && _multiplexer.Value.IsCompletedSuccessfully)
        {
            await _multiplexer.Value.Result.DisposeAsync();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PingInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await PingAsync(stoppingToken);
        }
    }

    private async Task PingAsync(CancellationToken cancellationToken)
    {
        bool answered;
        try
        {
            var database = await DatabaseAsync().WaitAsync(PingTimeout, cancellationToken);
            await database.PingAsync().WaitAsync(PingTimeout, cancellationToken);
            answered = true;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            answered = false;
        }

        if (answered && !_up)
        {
            _up = true;
            LogUp();
            Up?.Invoke();
        }
        else if (!answered)
        {
            Lost();
        }
    }

    private void Lost()
    {
        if (_up)
        {
            _up = false;
            LogDown();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis answers: messages and presence are shared with the other servers")]
    private partial void LogUp();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis does not answer: this server reads the other servers' messages from the history until it returns")]
    private partial void LogDown();
}

/// <summary>Ready only while Redis answers the watchdog's pings.</summary>
internal sealed class RedisHealthCheck(RedisConnection redis) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(redis.IsUp ? HealthCheckResult.Healthy("Redis answers.") : HealthCheckResult.Unhealthy("Redis does not answer."));
}
