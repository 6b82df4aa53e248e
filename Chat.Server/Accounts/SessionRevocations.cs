using System.Security.Claims;
using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Security;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>
/// Ended sessions and disabled accounts take effect on every node within seconds (SPEC section 13: "closes their
/// connections within 5 s"): every <see cref="PollEvery"/> each server reads from the store what was ended while an access
/// token could still be alive, refuses tokens of those sessions and users, and closes the connections they opened.
/// The store is what the nodes share, so it works the same with one node or many, and after a restart.
/// </summary>
internal sealed partial class SessionRevocations(
    IHistoryStore store, ConnectionRegistry registry, IOptions<AuthOptions> options, TimeProvider clock, ILogger<SessionRevocations> logger) : BackgroundService
{
    public static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);

    private volatile Revoked _revoked = new([], []);

    /// <summary>True when the token's session was ended or its account disabled.</summary>
    public bool IsRevoked(ClaimsPrincipal principal)
    {
        var revoked = _revoked;
        return (principal.FindFirst(AccountService.SessionClaim)?.Value is { } session && revoked.Sessions.Contains(session))
            || (principal.FindFirst(ChatTokens.NameClaim)?.Value is { } user && revoked.Users.Contains(user));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollEvery, clock);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store is away: what was known stays in force, and the next turn tries again.
                LogUnavailable(exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Reads what was ended while a token issued before could still be alive, and closes what it signed in.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var since = clock.GetUtcNow().UtcDateTime - TimeSpan.FromMinutes(options.Value.AccessTokenMinutes) - ChatTokens.ClockSkew;
        var found = await store.RevokedSinceAsync(since, cancellationToken);
        var before = _revoked;
        var now = new Revoked(new HashSet<string>(found.Sessions, StringComparer.Ordinal), new HashSet<string>(found.DisabledUsers, StringComparer.Ordinal));
        _revoked = now;

        var newSessions = now.Sessions.Except(before.Sessions).ToHashSet(StringComparer.Ordinal);
        var newUsers = now.Users.Except(before.Users).ToList();
        if (newSessions.Count == 0 && newUsers.Count == 0)
        {
            return;
        }

        var closing = registry.All
            .Where(outbox => outbox.Connection.User.FindFirst(AccountService.SessionClaim)?.Value is { } session && newSessions.Contains(session))
            .Concat(newUsers.SelectMany(registry.Of))
            .Distinct()
            .ToList();
        foreach (var outbox in closing)
        {
            // Dropped like a lost network: the client reconnects, and its token is refused (401), so it asks to sign in.
            outbox.Connection.Features.Get<IConnectionLifetimeFeature>()?.Abort();
        }

        if (closing.Count > 0)
        {
            LogClosed(closing.Count, newSessions.Count, newUsers.Count);
        }
    }

    private sealed record Revoked(HashSet<string> Sessions, HashSet<string> Users);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {Connections} connections of {Sessions} ended sessions and {Users} disabled accounts")]
    private partial void LogClosed(int connections, int sessions, int users);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read ended sessions from the history store: {Reason}")]
    private partial void LogUnavailable(string reason);
}
