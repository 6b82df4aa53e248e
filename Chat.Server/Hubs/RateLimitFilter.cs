using System.Threading.RateLimiting;
using Chat.Server.Configuration;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>Limits <c>SendMessage</c> calls per connection with a token bucket (burst, then a steady rate).</summary>
internal sealed class RateLimitFilter : IHubFilter, IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly string _rejection;

    public RateLimitFilter(IOptions<ChatOptions> options)
    {
        var limits = options.Value.RateLimit;
        _rejection = $"You are sending too fast: at most {limits.PerSecond} messages per second, in bursts of up to {limits.Burst}. Wait a moment, then send again.";
        if (limits.PerSecond == 0)
        {
            return;
        }

        // One partition per connection; the partitioned limiter replenishes all buckets from a single timer.
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.Burst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1.0 / limits.PerSecond),
            QueueLimit = 0,
            AutoReplenishment = false,
        };
        _limiter = PartitionedRateLimiter.Create<string, string>(
            connectionId => RateLimitPartition.GetTokenBucketLimiter(connectionId, _ => bucket));
    }

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (_limiter is not null && invocationContext.HubMethodName == nameof(ChatHub.SendMessage))
        {
            using var lease = _limiter.AttemptAcquire(invocationContext.Context.ConnectionId);
            if (!lease.IsAcquired)
            {
                throw new InputRejectedException("rate_limited", _rejection);
            }
        }

        return next(invocationContext);
    }

    public void Dispose() => _limiter?.Dispose();
}
