using System.Threading.RateLimiting;

namespace Chat.Server.Accounts;

/// <summary>
/// Failed sign-ins per name and address (SPEC section 13): after <see cref="Failures"/> within <see cref="Window"/>,
/// further attempts are refused (429 with <c>Retry-After</c>) without checking the password. A window of
/// the framework's rate limiters (a fixed window from the first failure), one partition per name and address, kept on this server (a cluster of N nodes
/// allows N times as many; each attempt still costs a password hash).
/// </summary>
internal sealed class LoginThrottle : IDisposable
{
    public const int Failures = 5;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    private readonly PartitionedRateLimiter<string> _failures = PartitionedRateLimiter.Create<string, string>(attempt =>
        RateLimitPartition.GetFixedWindowLimiter(attempt, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Failures,
            Window = Window,
            QueueLimit = 0,
        }));

    /// <summary>How long until <paramref name="attempt"/> may be tried again, or null when it may be now.</summary>
    public TimeSpan? Blocked(string attempt)
    {
        // Asking for no permit tells whether any is left, and takes none.
        using var lease = _failures.AttemptAcquire(attempt, 0);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : Window;
    }

    public void Failed(string attempt)
    {
        using var _ = _failures.AttemptAcquire(attempt, 1);
    }

    public void Dispose() => _failures.Dispose();
}
