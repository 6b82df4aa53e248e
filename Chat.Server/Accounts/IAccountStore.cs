namespace Chat.Server.Accounts;

/// <summary>
/// Built-in accounts (SPEC section 13), kept in the history store: accounts with their password hashes, invites,
/// and sign-in sessions with their refresh tokens. Codes and refresh tokens are stored as hashes only
/// (<see cref="Secrets.Hash"/>); the store never sees one in clear. Writes go through the history writer's turn.
/// </summary>
public interface IAccountStore
{
    /// <summary>Live sessions one account may have; starting one more ends the oldest (a million logins store a hundred).</summary>
    const int MaxSessionsPerUser = 100;

    /// <summary>The account called <paramref name="name"/> (a normalized user name), or null.</summary>
    Task<Account?> AccountAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// Creates <paramref name="account"/>, spending one use of the invite whose code hashes to <paramref name="inviteHash"/>
    /// (null: none needed), in one transaction: nothing changes unless both succeed.
    /// </summary>
    Task<RegisterOutcome> CreateAccountAsync(Account account, string? inviteHash, DateTime now, CancellationToken cancellationToken);

    /// <summary>Sets a new password hash (and whether it must be changed at the next sign-in); false when there is no such account.</summary>
    Task<bool> SetPasswordAsync(string name, string passwordHash, bool mustChange, CancellationToken cancellationToken);

    /// <summary>Disables (ending every session of the account's) or enables an account; false when there is no such account.</summary>
    Task<bool> SetDisabledAsync(string name, bool disabled, DateTime now, CancellationToken cancellationToken);

    /// <summary>Every account, ordinal order of name.</summary>
    Task<Account[]> AccountsAsync(CancellationToken cancellationToken);

    /// <summary>Stores an invite code's hash, good for <paramref name="uses"/> registrations until <paramref name="expiresAt"/>.</summary>
    Task CreateInviteAsync(string codeHash, int uses, DateTime expiresAt, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Starts session <paramref name="session"/> of <paramref name="user"/> with its first refresh token, and ends the
    /// user's oldest live sessions beyond <see cref="MaxSessionsPerUser"/>.
    /// </summary>
    Task StartSessionAsync(string session, string user, string tokenHash, DateTime expiresAt, DateTime now, CancellationToken cancellationToken);

    /// <summary>
    /// Uses a refresh token: a live one is spent and <paramref name="nextHash"/> takes its place in its session. One spent
    /// before (a copy in someone else's hands, or a race of two tabs) ends its whole session, unless it was spent less
    /// than <paramref name="raceWindow"/> ago (the race: nothing changes). Unknown, expired and ended ones change nothing.
    /// </summary>
    Task<Rotation> RotateAsync(string tokenHash, string nextHash, DateTime nextExpiresAt, TimeSpan raceWindow, DateTime now, CancellationToken cancellationToken);

    /// <summary>Ends the session whose refresh token hashes to <paramref name="tokenHash"/> (spent or not); returns its id, or null.</summary>
    Task<string?> EndSessionOfTokenAsync(string tokenHash, DateTime now, CancellationToken cancellationToken);

    /// <summary>Ends every session of <paramref name="user"/>'s but <paramref name="except"/>; returns how many.</summary>
    Task<int> EndSessionsAsync(string user, string? except, DateTime now, CancellationToken cancellationToken);

    /// <summary>What was ended after <paramref name="since"/>: sessions, and accounts disabled.</summary>
    Task<Revocations> RevokedSinceAsync(DateTime since, CancellationToken cancellationToken);

    /// <summary>Removes refresh tokens that expired, sessions ended or without tokens before <paramref name="before"/>, and invites used up or expired.</summary>
    Task<int> ForgetExpiredAsync(DateTime now, DateTime before, CancellationToken cancellationToken);
}

/// <summary>An account: a user name, its password hash (ASP.NET Core Identity's format), and its flags.</summary>
public sealed record Account(string Name, string PasswordHash, bool Admin, bool Disabled, bool MustChangePassword);

public enum RegisterOutcome
{
    Created,
    NameTaken,
    InviteRefused,
}

public enum RotationOutcome
{
    /// <summary>The token was live: it is spent, and the next one is stored.</summary>
    Rotated,

    /// <summary>The token was spent already, long enough ago: its session is ended.</summary>
    Reused,

    /// <summary>The token was spent a moment ago (another tab's refresh): nothing changed.</summary>
    Raced,

    /// <summary>Unknown, expired, its session ended, or its account disabled.</summary>
    Refused,
}

/// <summary>What using a refresh token did, and whose it was (for <see cref="RotationOutcome.Rotated"/>).</summary>
public sealed record Rotation(RotationOutcome Outcome, string? Session = null, Account? Account = null);

/// <summary>Sessions ended and accounts disabled since some moment.</summary>
public sealed record Revocations(string[] Sessions, string[] DisabledUsers);
