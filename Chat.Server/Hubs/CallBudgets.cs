using System.Threading.RateLimiting;
using Chat.Server.Configuration;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>
/// The two budgets of hub calls (SPEC section 7), per user: a user's connections share them (opening more
/// connections buys nothing), a guest has its own per connection. Sends and joins draw on the send bucket, one
/// token each; reads on the read bucket by what they cost: the messages or names they may return, and one per
/// conversation they walk. A cost larger than a whole bucket takes the whole bucket: the call is answered, and
/// the caller waits for the bucket to fill again.
/// </summary>
internal sealed class CallBudgets : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _sends;
    private readonly PartitionedRateLimiter<string>? _reads;
    private readonly int _readBurst;
    private readonly string _sendRejection;
    private readonly string _readRejection;

    public CallBudgets(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        _readBurst = limits.ReadBurst;
        _sendRejection = $"You are sending too fast: at most {limits.PerSecond} messages per second, in bursts of up to {limits.Burst}. Wait a moment, then send again.";
        _readRejection = $"You are reading too fast: at most {limits.ReadsPerSecond} messages, names or conversations per second, in bursts of up to {limits.ReadBurst}, across your connections. Wait a moment, then try again.";
        _sends = Buckets(limits.PerSecond, limits.Burst);
        _reads = Buckets(limits.ReadsPerSecond, limits.ReadBurst);
    }

    /// <summary>False when both budgets are off (benchmarks, load tests).</summary>
    public bool Any => _sends is not null || _reads is not null;

    /// <summary>One send (or join) of the caller's; throws <see cref="InputRejectedException"/> when over budget.</summary>
    public void ChargeSend(HubCallerContext context) => Charge(_sends, context, 1, _sendRejection);

    /// <summary>
    /// <paramref name="cost"/> reads of the caller's (at most a whole bucket), less <paramref name="paid"/> charged for the
    /// same call already; throws <see cref="InputRejectedException"/> when over budget.
    /// </summary>
    public void ChargeReads(HubCallerContext context, int cost, int paid = 0) => Charge(_reads, context, Math.Min(cost, _readBurst) - paid, _readRejection);

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

    private static void Charge(PartitionedRateLimiter<string>? limiter, HubCallerContext context, int cost, string rejection)
    {
        if (limiter is null || cost <= 0)
        {
            return;
        }

        // A named user's connections share the budget; a guest (no name) has one per connection.
        var key = ConnectionUser.Of(context) is { } user ? "user:" + user : "connection:" + context.ConnectionId;

        using var lease = limiter.AttemptAcquire(key, cost);
        if (!lease.IsAcquired)
        {
            throw new InputRejectedException("rate_limited", rejection);
        }
    }
}
