using System.Threading.RateLimiting;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>
/// The two budgets of hub calls (SPEC section 7), per user: a user's connections share them (opening more
/// connections buys nothing), a guest has its own per connection. Sends and joins draw on the send bucket, one
/// token each; reads on the read bucket by what they cost: the messages or names they may return, and one per
/// conversation they walk. A cost larger than a whole bucket takes the whole bucket: the call is answered, and
/// the caller waits for the bucket to fill again. A refusal is held a while before it is answered: a client that
/// floods calls as fast as they are refused gets its answers (and sends its next calls) no faster than that, and
/// SignalR stops reading a connection whose calls all wait.
/// </summary>
internal sealed class CallBudgets : IDisposable
{
    /// <summary>How long a refusal for an empty budget waits before it is answered.</summary>
    public static readonly TimeSpan RefusalHold = TimeSpan.FromSeconds(1);

    /// <summary>Refusals held at once on this server; past it they are answered at once (each held one keeps a call open).</summary>
    public const int MaxHeldRefusals = 10_000;

    private readonly PartitionedRateLimiter<string>? _sends;
    private readonly PartitionedRateLimiter<string>? _reads;
    private readonly int _readBurst;
    private readonly string _sendRejection;
    private readonly string _readRejection;
    private readonly TimeProvider _clock;
    private int _held;

    public CallBudgets(IOptions<RateLimitOptions> options, TimeProvider clock)
    {
        var limits = options.Value;
        _clock = clock;
        _readBurst = limits.ReadBurst;
        _sendRejection = $"You are sending too fast: at most {limits.PerSecond} messages per second, in bursts of up to {limits.Burst}. Wait a moment, then send again.";
        _readRejection = $"You are reading too fast: at most {limits.ReadsPerSecond} messages, names or conversations per second, in bursts of up to {limits.ReadBurst}, across your connections. Wait a moment, then try again.";
        _sends = Buckets(limits.PerSecond, limits.Burst);
        _reads = Buckets(limits.ReadsPerSecond, limits.ReadBurst);
    }

    /// <summary>False when both budgets are off (benchmarks, load tests).</summary>
    public bool Any => _sends is not null || _reads is not null;

    /// <summary>One send (or join) of the caller's; throws <see cref="InputRejectedException"/>, after <see cref="RefusalHold"/>, when over budget.</summary>
    public ValueTask ChargeSendAsync(HubCallerContext context) => Take(_sends, context, 1) ? ValueTask.CompletedTask : RefuseAsync(_sendRejection);

    /// <summary>
    /// <paramref name="cost"/> reads of the caller's (at most a whole bucket), less <paramref name="paid"/> charged for the
    /// same call already; throws <see cref="InputRejectedException"/>, after <see cref="RefusalHold"/>, when over budget.
    /// </summary>
    public ValueTask ChargeReadsAsync(HubCallerContext context, int cost, int paid = 0) =>
        Take(_reads, context, Math.Min(cost, _readBurst) - paid) ? ValueTask.CompletedTask : RefuseAsync(_readRejection);

    /// <summary>Takes what is left of a cost paid in part already, as far as the bucket has it, refusing nothing: the answer is made.</summary>
    public void TopUpReads(HubCallerContext context, int cost, int paid) => Take(_reads, context, Math.Min(cost, _readBurst) - paid);

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

    private static bool Take(PartitionedRateLimiter<string>? limiter, HubCallerContext context, int cost)
    {
        if (limiter is null || cost <= 0)
        {
            return true;
        }

        // A named user's connections share the budget; a guest (no name) has one per connection.
        var key = ConnectionUser.Of(context) is { } user ? "user:" + user : "connection:" + context.ConnectionId;
        using var lease = limiter.AttemptAcquire(key, cost);
        return lease.IsAcquired;
    }

    private async ValueTask RefuseAsync(string rejection)
    {
        try
        {
            if (Interlocked.Increment(ref _held) <= MaxHeldRefusals)
            {
                await Task.Delay(RefusalHold, _clock);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _held);
        }

        throw new InputRejectedException("rate_limited", rejection);
    }
}
