using Chat.Server.Hubs;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.ScaleOut;

/// <summary>While Redis is unreachable, sends are refused with an error instead of being stored and heard by no one.</summary>
internal sealed class BackplaneFilter(RedisConnection redis) : IHubFilter
{
    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (invocationContext.HubMethodName == nameof(ChatHub.SendMessage) && !redis.IsConnected)
        {
            throw new InputRejectedException(
                "backplane_unavailable",
                "The chat cannot reach the other servers right now (Redis is unavailable), so the message was not sent. Try again in a moment.");
        }

        return next(invocationContext);
    }
}
