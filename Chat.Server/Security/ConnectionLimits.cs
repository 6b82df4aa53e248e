using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chat.Server.Security;

/// <summary>
/// Connection limits (SPEC section 7) with ASP.NET Core's rate limiting middleware, on hub requests only:
/// per client address at most <c>Chat:Limits:ConnectionsPerAddress</c> at once and <c>ConnectsPerSecond</c>
/// new ones (negotiate, or a WebSocket that skipped it), and <c>MaxConnections</c> on the server. A WebSocket
/// request lasts as long as its connection, so the concurrency limiters count open connections (a
/// negotiate holds a permit for its few milliseconds too). Over any of them: 429 with what is allowed;
/// connections already open are not touched.
/// </summary>
internal static class ConnectionLimits
{
    public static IHostApplicationBuilder AddChatConnectionLimits(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<ConnectionLimitOptions>>((limiter, configured) =>
        {
            var limits = configured.Value;
            var refusal = $"Too many connections: this server takes at most {limits.ConnectionsPerAddress} open and {limits.ConnectsPerSecond} new per second " +
                $"(bursts of {limits.ConnectBurst}) from one address, and {limits.MaxConnections} in all (0: no limit). Close some, or wait a moment and try again.";
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                // The connect budget refills every second; SignalR's clients retry on their own schedule anyway.
                context.HttpContext.Response.Headers.RetryAfter = "1";
                await HoldAsync(cancellationToken);
                await context.HttpContext.Response.WriteAsync(refusal, cancellationToken);
            };
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsHub(context) && limits.ConnectionsPerAddress > 0
                        ? RateLimitPartition.GetConcurrencyLimiter(AddressOf(context), _ => new ConcurrencyLimiterOptions { PermitLimit = limits.ConnectionsPerAddress, QueueLimit = 0 })
                        : RateLimitPartition.GetNoLimiter(Unlimited)),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsConnect(context) && limits.ConnectsPerSecond > 0
                        ? RateLimitPartition.GetTokenBucketLimiter(AddressOf(context), _ => new TokenBucketRateLimiterOptions
                        {
                            TokenLimit = limits.ConnectBurst,
                            TokensPerPeriod = limits.ConnectsPerSecond,
                            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                            QueueLimit = 0,
                        })
                        : RateLimitPartition.GetNoLimiter(Unlimited)),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsHub(context) && limits.MaxConnections > 0
                        ? RateLimitPartition.GetConcurrencyLimiter("server", _ => new ConcurrencyLimiterOptions { PermitLimit = limits.MaxConnections, QueueLimit = 0 })
                        : RateLimitPartition.GetNoLimiter(Unlimited)));
        });
        return builder;
    }

    /// <summary>Refusals held at once before they are answered; past it they are answered at once.</summary>
    public const int MaxHeldRefusals = 1000;

    /// <summary>How long a refusal is held: a client that retries as soon as it is refused retries this often.</summary>
    public static readonly TimeSpan RefusalHold = TimeSpan.FromSeconds(1);

    private static int s_held;

    /// <summary>
    /// A client that floods connection attempts retries as soon as each is refused, so answering faster only
    /// brings the next attempt sooner: each refusal is held for <see cref="RefusalHold"/> first, which holds a
    /// flood to one attempt a second per connection it keeps open. At most <see cref="MaxHeldRefusals"/> are
    /// held at once (each holds a socket); past that they are answered at once.
    /// </summary>
    private static async Task HoldAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (Interlocked.Increment(ref s_held) <= MaxHeldRefusals)
            {
                await Task.Delay(RefusalHold, cancellationToken);
            }
        }
        finally
        {
            Interlocked.Decrement(ref s_held);
        }
    }

    private static bool IsHub(HttpContext context) => context.Request.Path.StartsWithSegments(Hubs.HubExtensions.Path);

    /// <summary>A new connection: its negotiate, or a WebSocket that skipped negotiation (no connection id in the query).</summary>
    private static bool IsConnect(HttpContext context) =>
        IsHub(context) && (context.Request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal) || (context.WebSockets.IsWebSocketRequest && !context.Request.Query.ContainsKey("id")));

    // Partitions are kept by key, whatever their kind: the unlimited one must not share a key with an address.
    private const string Unlimited = "unlimited";

    private static string AddressOf(HttpContext context) => "address " + context.Connection.RemoteIpAddress;
}
