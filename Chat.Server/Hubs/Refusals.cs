using Chat.Server.Operations;

namespace Chat.Server.Hubs;

/// <summary>
/// Counts and logs refused input and failed calls: at Information and without a stack trace for a rule's refusal,
/// at Error with the exception for a failure; each the first of its connection and cause in a while, then one line
/// counting the others (<see cref="LogThrottle{TState}"/>), so a flood of bad calls cannot flood the disk.
/// </summary>
internal sealed partial class Refusals : IDisposable
{
    /// <summary>The method name refusals at connect are logged under.</summary>
    public const string Connect = "connect";

    private readonly ChatMetrics _metrics;
    private readonly ILogger<Refusals> _logger;
    private readonly LogThrottle<Cause> _refusals;
    private readonly LogThrottle<Cause> _failures;

    public Refusals(ChatMetrics metrics, TimeProvider clock, ILogger<Refusals> logger)
    {
        _metrics = metrics;
        _logger = logger;
        _refusals = new LogThrottle<Cause>(clock, (cause, count, span) => LogMoreRejected(count, cause.Method, cause.ConnectionId, cause.Reason, span.TotalSeconds));
        _failures = new LogThrottle<Cause>(clock, (cause, count, span) => LogMoreFailed(count, cause.Method, cause.Reason, span.TotalSeconds));
    }

    /// <summary>A rule refused a call of <paramref name="user"/>'s (null: a guest), or, for <see cref="Connect"/>, a new connection.</summary>
    public void Rejected(string method, string reason, string connectionId, string? user = null)
    {
        _metrics.Rejected(reason);

        // Per user (their connections together) or guest connection, and cause; connections refused at connect are new each time: per cause alone.
        var key = method == Connect ? $"{method}/{reason}" : user is not null ? $"user:{user}/{reason}" : $"{connectionId}/{reason}";
        if (_refusals.Allow(key, new Cause(method, connectionId, reason)))
        {
            LogRejected(method, reason, connectionId);
        }
    }

    /// <summary>A call failed for a reason that is not a rule's.</summary>
    public void Failed(Exception exception, string method, string connectionId)
    {
        var type = exception.GetType().Name;
        if (_failures.Allow($"{method}/{exception.GetType().FullName}", new Cause(method, connectionId, type)))
        {
            LogFailed(exception, method, connectionId);
        }
    }

    public void Dispose()
    {
        _refusals.Dispose();
        _failures.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Method} from connection {ConnectionId} failed")]
    private partial void LogFailed(Exception exception, string method, string connectionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} more calls of {Method} failed with {Exception} in the last {Seconds:0} s")]
    private partial void LogMoreFailed(int count, string method, string exception, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected {Method} from connection {ConnectionId}: {Reason}")]
    private partial void LogRejected(string method, string reason, string connectionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected {Count} more calls like {Method} from connection {ConnectionId} ({Reason}) in the last {Seconds:0} s")]
    private partial void LogMoreRejected(int count, string method, string connectionId, string reason, double seconds);

    private sealed record Cause(string Method, string ConnectionId, string Reason);
}
