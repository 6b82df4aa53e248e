using System.Threading.RateLimiting;
using Chat.Server.Security;
using Microsoft.AspNetCore.RateLimiting;

namespace Chat.Server.Accounts;

internal static class AccountsExtensions
{
    /// <summary>Requests that check a password, per address and minute: each costs a deliberately slow hash.</summary>
    public const int PasswordRequestsPerMinute = 20;

    /// <summary>Built-in accounts' services, when <c>Chat:Auth:Accounts</c> is on.</summary>
    public static IHostApplicationBuilder AddChatAccounts(this IHostApplicationBuilder builder, AuthOptions auth)
    {
        if (auth.Mode != SignInMode.Accounts)
        {
            return builder;
        }

        builder.Services.AddSingleton<AccountService>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<RefreshRace>();
        builder.Services.AddSingleton<SessionRevocations>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SessionRevocations>());
        builder.Services.AddRateLimiter(limiter => limiter.AddPolicy(AccountEndpoints.PasswordPolicy, new PasswordRequestPolicy()));
        return builder;
    }

    /// <summary>
    /// At most <see cref="PasswordRequestsPerMinute"/> registrations, logins and password changes a minute from one address
    /// (the rate limiting middleware's token bucket), refused with a problem saying so.
    /// </summary>
    private sealed class PasswordRequestPolicy : IRateLimiterPolicy<string>
    {
        public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = async (context, cancellationToken) =>
        {
            context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.HttpContext.Response.Headers.RetryAfter = "60";
            await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many attempts",
                    detail: $"Too many sign-in requests from your address: at most {PasswordRequestsPerMinute} a minute. Wait a minute, then try again.")
                .ExecuteAsync(context.HttpContext);
        };

        public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
            RateLimitPartition.GetTokenBucketLimiter(AccountEndpoints.AddressOf(httpContext), _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = PasswordRequestsPerMinute,
                TokensPerPeriod = PasswordRequestsPerMinute,
                ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            });
    }
}
