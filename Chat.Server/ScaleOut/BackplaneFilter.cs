using System.Collections.Concurrent;
using Chat.Server.Hubs;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.ScaleOut;

/// <summary>
/// Keeps clients from missing messages while this node cannot reach Redis: sends are refused with an
/// error, and when the link breaks every connection here is closed, so its client reconnects (once
/// Redis is back) and catches up from the history instead of silently missing what others sent.
/// </summary>
internal sealed partial class BackplaneFilter : IHubFilter
{
    private readonly RedisConnection _redis;
    private readonly ILogger<BackplaneFilter> _logger;
    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new();

    public BackplaneFilter(RedisConnection redis, ILogger<BackplaneFilter> logger)
    {
        _redis = redis;
        _logger = logger;
        redis.Lost += CloseAll;
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.HubMethodName == nameof(ChatHub.SendMessage) && !_redis.IsConnected)
        {
            throw new InputRejectedException(
                "backplane_unavailable",
                "The chat cannot reach the other servers right now (Redis is unavailable), so the message was not sent. Try again in a moment.");
        }

        return next(invocationContext);
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _connections[context.Context.ConnectionId] = context.Context;
        try
        {
            await next(context);
        }
        catch
        {
            _connections.TryRemove(context.Context.ConnectionId, out _);
            throw;
        }
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context.ConnectionId, out _);
        return next(context, exception);
    }

    private void CloseAll()
    {
        LogClosingAll(_connections.Count);
        foreach (var connection in _connections.Values)
        {
            connection.Abort();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost Redis: closing this node's {Count} connections so their clients reconnect and catch up")]
    private partial void LogClosingAll(int count);
}
