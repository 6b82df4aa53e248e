using System.Threading.RateLimiting;
using Chat.Server.Configuration;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>
/// Budgets for every hub call, per user: a user's connections share them (opening more connections buys
/// nothing), a guest has its own per connection. Sends and joins draw on one token bucket, one token each;
/// everything else on a read bucket, by size: a history call costs the messages it may return (its limit),
/// a list (online users, members, rooms) what it returns, any other call one.
/// </summary>
internal sealed class RateLimitFilter : IHubFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string>? _sends;
    private readonly PartitionedRateLimiter<string>? _reads;
    private readonly string _sendRejection;
    private readonly string _readRejection;

    public RateLimitFilter(IOptions<ChatOptions> options)
    {
        var limits = options.Value.RateLimit;
        _sendRejection = $"You are sending too fast: at most {limits.PerSecond} messages per second, in bursts of up to {limits.Burst}. Wait a moment, then send again.";
        _readRejection = $"You are reading too fast: at most {limits.ReadsPerSecond} messages or names per second, in bursts of up to {limits.ReadBurst}, across your connections. Wait a moment, then try again.";
        _sends = Buckets(limits.PerSecond, limits.Burst);
        _reads = Buckets(limits.ReadsPerSecond, limits.ReadBurst);
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (_sends is null && _reads is null)
        {
            return await next(invocationContext);
        }

        // A named user's connections share the budget; a guest (no name) has one per connection.
        var context = invocationContext.Context;
        var key = ConnectionUser.Of(context) is { } user ? "user:" + user : "connection:" + context.ConnectionId;
        switch (invocationContext.HubMethodName)
        {
            case nameof(ChatHub.SendMessage) or nameof(ChatHub.SendToRoom) or nameof(ChatHub.JoinRoom):
                Charge(_sends, key, 1, _sendRejection);
                return await next(invocationContext);
            case nameof(ChatHub.GetHistory) or nameof(ChatHub.GetRoomHistory) or nameof(ChatHub.GetMissedMessages):
                // The limit is the last argument of each.
                var limit = invocationContext.HubMethodArguments is [.., int asked] ? Math.Clamp(asked, 1, MessageRules.MaxHistoryLimit) : 1;
                Charge(_reads, key, limit, _readRejection);
                return await next(invocationContext);
            case nameof(ChatHub.GetOnlineUsers) or nameof(ChatHub.GetRoomMembers) or nameof(ChatHub.ListRooms) or nameof(ChatHub.GetRooms):
                // Paid for after the fact, by what it found; a caller over budget does not get the answer.
                Charge(_reads, key, 1, _readRejection);
                var found = await next(invocationContext);
                if (found is Array { Length: > 1 } items)
                {
                    Charge(_reads, key, items.Length - 1, _readRejection);
                }

                return found;
            default:
                Charge(_reads, key, 1, _readRejection);
                return await next(invocationContext);
        }
    }

    public void Dispose()
    {
        _sends?.Dispose();
        _reads?.Dispose();
    }

    /// <summary>One token bucket per user, replenished from one timer, or none when the rate is 0.</summary>
    private static PartitionedRateLimiter<string>? Buckets(int perSecond, int burst)
    {
        if (perSecond == 0)
        {
            return null;
        }

        // A rate in tens is replenished every 100 ms (2000 a second is not 2000 ticks), any other one token at a time.
        var tenths = perSecond % 10 == 0;
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tenths ? perSecond / 10 : 1,
            ReplenishmentPeriod = tenths ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromSeconds(1.0 / perSecond),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        return PartitionedRateLimiter.Create<string, string>(user => RateLimitPartition.GetTokenBucketLimiter(user, _ => bucket));
    }

    private static void Charge(PartitionedRateLimiter<string>? limiter, string key, int cost, string rejection)
    {
        if (limiter is null)
        {
            return;
        }

        using var lease = limiter.AttemptAcquire(key, cost);
        if (!lease.IsAcquired)
        {
            throw new InputRejectedException("rate_limited", rejection);
        }
    }
}
