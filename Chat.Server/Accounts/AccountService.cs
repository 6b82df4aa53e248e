using System.Security.Claims;
using Chat.Server.History;
using Chat.Server.Security;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Chat.Server.Accounts;

/// <summary>
/// Built-in accounts' sign-in (SPEC section 13): registration, login, refresh with rotation and reuse detection,
/// logout and password change. Passwords are hashed by ASP.NET Core Identity's <see cref="PasswordHasher{TUser}"/>;
/// access tokens are Chat's HS256 tokens with the session's id (<see cref="SessionClaim"/>); refresh tokens are random
/// values of which the store keeps the hash. Writes take their turn with the message commits.
/// </summary>
internal sealed class AccountService(IOptions<AuthOptions> options, IHistoryStore store, HistoryWriter writer, LoginThrottle throttle, RefreshRace race, TimeProvider clock)
{
    /// <summary>The access token's claim naming its session, so that ending the session ends what it signed in.</summary>
    public const string SessionClaim = "sid";

    /// <summary>Present on the access token of an account whose password must be changed: it may do nothing else.</summary>
    public const string PasswordChangeClaim = "chat_pwd";

    /// <summary>The one answer for an unknown name and a wrong password.</summary>
    public const string WrongNameOrPassword = "The name or the password is wrong.";

    private static readonly PasswordHasher<string> Hasher = new();

    // Checked against when the name is unknown, so that an unknown name takes as long to refuse as a wrong password.
    private static readonly string Decoy = Hasher.HashPassword("", Secrets.NewPassword());

    private AuthOptions Auth => options.Value;

    public static string HashPassword(string user, string password) => Hasher.HashPassword(user, password);

    public async Task<AuthAnswer> RegisterAsync(string? name, string? password, string? invite)
    {
        if (!Auth.OpenRegistration && string.IsNullOrWhiteSpace(invite))
        {
            return AuthAnswer.Refuse(StatusCodes.Status400BadRequest, "An invite code is needed to register here; ask an admin for one.");
        }

        if (PasswordRules.NameProblem(name, out var user) is { } nameProblem)
        {
            return AuthAnswer.Refuse(StatusCodes.Status400BadRequest, nameProblem);
        }

        if (PasswordRules.Problem(user, password) is { } passwordProblem)
        {
            return AuthAnswer.Refuse(StatusCodes.Status400BadRequest, passwordProblem);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var account = new Account(user, Hasher.HashPassword(user, password!), Admin: false, Disabled: false, MustChangePassword: false);
        var inviteHash = Auth.OpenRegistration ? null : Secrets.Hash(invite!.Trim());
        return await writer.RunAsync((history, token) => history.CreateAccountAsync(account, inviteHash, now, token)) switch
        {
            RegisterOutcome.Created => await StartSessionAsync(account),
            RegisterOutcome.NameTaken => AuthAnswer.Refuse(StatusCodes.Status409Conflict, $"The name {user} is taken; choose another one."),
            _ => AuthAnswer.Refuse(StatusCodes.Status400BadRequest, "The invite code is not valid: unknown, used up or expired. Ask an admin for a new one."),
        };
    }

    public async Task<AuthAnswer> LoginAsync(string? name, string? password, string address)
    {
        // The throttle counts by what was typed, so that a name the rules refuse is counted like any other.
        var attempt = $"{(name ?? "").Trim().ToUpperInvariant()}\n{address}";
        if (throttle.Blocked(attempt) is { } retryAfter)
        {
            return AuthAnswer.Refuse(
                StatusCodes.Status429TooManyRequests,
                $"Too many failed sign-ins for this name from your address: at most {LoginThrottle.Failures} in {LoginThrottle.Window.TotalMinutes:0} minutes. Try again in {Math.Ceiling(retryAfter.TotalMinutes):0} minutes.",
                retryAfter);
        }

        // No password longer than the rules allow was ever set; it is cut before hashing, and fails like any wrong one.
        var candidate = password is { Length: > 0 and <= PasswordRules.MaxLength } ? password : null;
        var account = PasswordRules.NameProblem(name, out var user) is null && candidate is not null ? await store.AccountAsync(user, CancellationToken.None) : null;
        var verdict = Hasher.VerifyHashedPassword(user, account?.PasswordHash ?? Decoy, candidate ?? "");
        if (account is null || verdict == PasswordVerificationResult.Failed)
        {
            throttle.Failed(attempt);
            return AuthAnswer.Refuse(StatusCodes.Status401Unauthorized, WrongNameOrPassword);
        }

        if (account.Disabled)
        {
            return AuthAnswer.Refuse(StatusCodes.Status403Forbidden, "This account is disabled; ask an admin.");
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = Hasher.HashPassword(user, password!);
            await writer.RunAsync((history, token) => history.SetPasswordAsync(user, rehashed, account.MustChangePassword, token));
        }

        return await StartSessionAsync(account);
    }

    public async Task<AuthAnswer> RefreshAsync(string? refreshToken)
    {
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > 200)
        {
            return AuthAnswer.Refuse(StatusCodes.Status401Unauthorized, "No sign-in to renew: sign in again.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var next = Secrets.NewToken();
        var nextExpires = now.AddDays(Auth.RefreshTokenDays);
        var rotation = await writer.RunAsync((history, token) => history.RotateAsync(Secrets.Hash(refreshToken), Secrets.Hash(next), nextExpires, race.Window, now, token));
        return rotation.Outcome switch
        {
            RotationOutcome.Rotated => Issue(rotation.Account!, rotation.Session!, next, nextExpires),
            RotationOutcome.Raced => AuthAnswer.Refuse(StatusCodes.Status409Conflict, "This sign-in was renewed a moment ago (in another tab?); try again with the newest one."),
            RotationOutcome.Reused => AuthAnswer.Refuse(StatusCodes.Status401Unauthorized, "This sign-in was used twice, so it has been ended everywhere: sign in again."),
            _ => AuthAnswer.Refuse(StatusCodes.Status401Unauthorized, "The sign-in has expired or was ended: sign in again."),
        };
    }

    public async Task LogoutAsync(string? refreshToken)
    {
        if (string.IsNullOrEmpty(refreshToken) || refreshToken.Length > 200)
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await writer.RunAsync((history, token) => history.EndSessionOfTokenAsync(Secrets.Hash(refreshToken), now, token));
    }

    public async Task<AuthAnswer> ChangePasswordAsync(ClaimsPrincipal principal, string? oldPassword, string? newPassword)
    {
        var user = principal.FindFirst(ChatTokens.NameClaim)?.Value ?? "";
        var session = principal.FindFirst(SessionClaim)?.Value;
        var account = await store.AccountAsync(user, CancellationToken.None);
        if (account is null || session is null)
        {
            return AuthAnswer.Refuse(StatusCodes.Status403Forbidden, "Only accounts signed in with a password can change it.");
        }

        if (string.IsNullOrEmpty(oldPassword) || oldPassword.Length > PasswordRules.MaxLength
            || Hasher.VerifyHashedPassword(user, account.PasswordHash, oldPassword) == PasswordVerificationResult.Failed)
        {
            return AuthAnswer.Refuse(StatusCodes.Status403Forbidden, "The current password is wrong.");
        }

        if (PasswordRules.Problem(user, newPassword) is { } problem)
        {
            return AuthAnswer.Refuse(StatusCodes.Status400BadRequest, problem);
        }

        if (newPassword == oldPassword)
        {
            return AuthAnswer.Refuse(StatusCodes.Status400BadRequest, "The new password is the old one; choose another.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var hash = Hasher.HashPassword(user, newPassword!);
        await writer.RunAsync(async (history, token) =>
        {
            await history.SetPasswordAsync(user, hash, mustChange: false, token);
            return await history.EndSessionsAsync(user, except: session, now, token);
        });
        return Issue(account with { MustChangePassword = false }, session, refreshToken: null, refreshExpires: null);
    }

    /// <summary>Makes an invite code good for <paramref name="uses"/> registrations within <paramref name="days"/>; returns the code (stored as its hash only).</summary>
    public async Task<(string Code, DateTime ExpiresAt)> InviteAsync(int uses, int days)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var code = Secrets.NewCode();
        var expiresAt = now.AddDays(days);
        await writer.RunAsync(async (history, token) =>
        {
            await history.CreateInviteAsync(Secrets.Hash(code), uses, expiresAt, now, token);
            return true;
        });
        return (code, expiresAt);
    }

    private async Task<AuthAnswer> StartSessionAsync(Account account)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var session = Secrets.NewSession();
        var refreshToken = Secrets.NewToken();
        var expires = now.AddDays(Auth.RefreshTokenDays);
        await writer.RunAsync(async (history, token) =>
        {
            await history.StartSessionAsync(session, account.Name, Secrets.Hash(refreshToken), expires, now, token);
            return true;
        });
        return Issue(account, session, refreshToken, expires);
    }

    private AuthAnswer Issue(Account account, string session, string? refreshToken, DateTime? refreshExpires)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var lifetime = TimeSpan.FromMinutes(Auth.AccessTokenMinutes);
        var claims = new List<Claim> { new(SessionClaim, session) };
        if (account.MustChangePassword)
        {
            claims.Add(new Claim(PasswordChangeClaim, "change"));
        }

        var accessToken = ChatTokens.Create(Auth.SigningKey!, account.Name, account.Admin, lifetime, now, claims);
        return new AuthAnswer(
            StatusCodes.Status200OK, null, null,
            new Issued(accessToken, now + lifetime, account.Name, account.Admin, account.MustChangePassword, refreshToken, refreshExpires));
    }
}

/// <summary>A refresh token spent less than <see cref="Window"/> ago is a race of two tabs, not a stolen copy: refused, nothing ended.</summary>
internal sealed class RefreshRace
{
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>What an <c>/auth</c> request gets: tokens, or a status with a sentence saying why not (and when to retry).</summary>
internal sealed record AuthAnswer(int Status, string? Problem, TimeSpan? RetryAfter, Issued? Issued)
{
    public static AuthAnswer Refuse(int status, string problem, TimeSpan? retryAfter = null) => new(status, problem, retryAfter, null);
}

/// <summary>A signed-in account's tokens; <see cref="RefreshToken"/> is null when the request renews none (a password change).</summary>
internal sealed record Issued(string AccessToken, DateTime ExpiresAt, string User, bool Admin, bool MustChangePassword, string? RefreshToken, DateTime? RefreshExpiresAt);
