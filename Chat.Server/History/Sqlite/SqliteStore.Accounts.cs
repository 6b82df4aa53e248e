using Chat.Server.Accounts;
using Microsoft.Data.Sqlite;

namespace Chat.Server.History.Sqlite;

/// <summary>Built-in accounts (<see cref="IAccountStore"/>): accounts, invites, sessions and refresh tokens.</summary>
public sealed partial class SqliteStore
{
    public Task<Account?> AccountAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(SqliteSql.Account, async reader => await reader.ReadAsync() ? AccountOf(reader, 0) : null, cancellationToken, ("$name", name));

    public async Task<Account[]> AccountsAsync(CancellationToken cancellationToken) =>
        [.. await ReadAsync(
            SqliteSql.Accounts,
            async reader =>
            {
                var accounts = new List<Account>();
                while (await reader.ReadAsync())
                {
                    accounts.Add(AccountOf(reader, 0));
                }

                return accounts;
            },
            cancellationToken)];

    public async Task<RegisterOutcome> CreateAccountAsync(Account account, string? inviteHash, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        if (inviteHash is not null && await ScalarAsync(transaction, SqliteSql.SpendInvite, cancellationToken, ("$code", inviteHash), ("$now", now.Ticks)) is null)
        {
            return RegisterOutcome.InviteRefused;
        }

        var created = await ScalarAsync(
            transaction, SqliteSql.CreateAccount, cancellationToken,
            ("$name", account.Name), ("$hash", account.PasswordHash), ("$admin", account.Admin), ("$mustChange", account.MustChangePassword), ("$now", now.Ticks)) is not null;
        if (!created)
        {
            // The invite's use is given back with the rollback.
            return RegisterOutcome.NameTaken;
        }

        await transaction.CommitAsync(cancellationToken);
        return RegisterOutcome.Created;
    }

    public Task<bool> SetPasswordAsync(string name, string passwordHash, bool mustChange, CancellationToken cancellationToken) =>
        WriteOneAsync(SqliteSql.SetPassword, cancellationToken, ("$name", name), ("$hash", passwordHash), ("$mustChange", mustChange));

    public async Task<bool> SetDisabledAsync(string name, bool disabled, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var found = await ScalarAsync(transaction, SqliteSql.SetDisabled, cancellationToken, ("$name", name), ("$disabled", disabled), ("$now", now.Ticks)) is not null;
        if (found && disabled)
        {
            await ExecuteAsync(transaction, SqliteSql.EndSessions, cancellationToken, ("$user", name), ("$except", null), ("$now", now.Ticks));
        }

        await transaction.CommitAsync(cancellationToken);
        return found;
    }

    public async Task CreateInviteAsync(string codeHash, int uses, DateTime expiresAt, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        await ExecuteAsync(transaction, SqliteSql.CreateInvite, cancellationToken, ("$code", codeHash), ("$uses", uses), ("$expiresAt", expiresAt.Ticks), ("$now", now.Ticks));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task StartSessionAsync(string session, string user, string tokenHash, DateTime expiresAt, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        await ExecuteAsync(transaction, SqliteSql.StartSession, cancellationToken, ("$session", session), ("$user", user), ("$now", now.Ticks));
        await ExecuteAsync(transaction, SqliteSql.AddRefreshToken, cancellationToken, ("$hash", tokenHash), ("$session", session), ("$expiresAt", expiresAt.Ticks));
        await ExecuteAsync(transaction, SqliteSql.EndOldSessions, cancellationToken, ("$user", user), ("$now", now.Ticks), ("$keep", IAccountStore.MaxSessionsPerUser));
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Rotation> RotateAsync(string tokenHash, string nextHash, DateTime nextExpiresAt, TimeSpan raceWindow, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        string session;
        long expiresAt;
        long? usedAt;
        bool ended;
        Account account;
        await using (var reader = await Prepared(transaction, SqliteSql.RefreshToken, ("$hash", tokenHash)).ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new Rotation(RotationOutcome.Refused);
            }

            session = reader.GetString(0);
            expiresAt = reader.GetInt64(1);
            usedAt = reader.IsDBNull(2) ? null : reader.GetInt64(2);
            ended = reader.GetBoolean(3);
            account = AccountOf(reader, 4);
        }

        if (ended || account.Disabled || expiresAt <= now.Ticks)
        {
            return new Rotation(RotationOutcome.Refused);
        }

        if (usedAt is { } used)
        {
            if (now.Ticks - used < raceWindow.Ticks)
            {
                return new Rotation(RotationOutcome.Raced);
            }

            await ExecuteAsync(transaction, SqliteSql.EndSession, cancellationToken, ("$session", session), ("$now", now.Ticks));
            await transaction.CommitAsync(cancellationToken);
            return new Rotation(RotationOutcome.Reused, session, account);
        }

        await ExecuteAsync(transaction, SqliteSql.SpendRefreshToken, cancellationToken, ("$hash", tokenHash), ("$now", now.Ticks));
        await ExecuteAsync(transaction, SqliteSql.AddRefreshToken, cancellationToken, ("$hash", nextHash), ("$session", session), ("$expiresAt", nextExpiresAt.Ticks));
        await transaction.CommitAsync(cancellationToken);
        return new Rotation(RotationOutcome.Rotated, session, account);
    }

    public async Task<string?> EndSessionOfTokenAsync(string tokenHash, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        if (await ScalarAsync(transaction, SqliteSql.SessionOfToken, cancellationToken, ("$hash", tokenHash)) is not string session)
        {
            return null;
        }

        await ExecuteAsync(transaction, SqliteSql.EndSession, cancellationToken, ("$session", session), ("$now", now.Ticks));
        await transaction.CommitAsync(cancellationToken);
        return session;
    }

    public async Task<int> EndSessionsAsync(string user, string? except, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var ended = await ExecuteAsync(transaction, SqliteSql.EndSessions, cancellationToken, ("$user", user), ("$except", except), ("$now", now.Ticks));
        await transaction.CommitAsync(cancellationToken);
        return ended;
    }

    public async Task<Revocations> RevokedSinceAsync(DateTime since, CancellationToken cancellationToken) => new(
        await ReadAsync(SqliteSql.SessionsRevokedSince, StringsAsync, cancellationToken, ("$since", since.Ticks)),
        await ReadAsync(SqliteSql.DisabledSince, StringsAsync, cancellationToken, ("$since", since.Ticks)));

    public async Task<int> ForgetExpiredAsync(DateTime now, DateTime before, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var forgotten = await ExecuteAsync(transaction, SqliteSql.ForgetExpiredTokens, cancellationToken, ("$now", now.Ticks), ("$before", before.Ticks));
        forgotten += await ExecuteAsync(transaction, SqliteSql.ForgetEndedSessions, cancellationToken, ("$before", before.Ticks));
        forgotten += await ExecuteAsync(transaction, SqliteSql.ForgetUselessInvites, cancellationToken, ("$now", now.Ticks));
        await transaction.CommitAsync(cancellationToken);
        return forgotten;
    }

    /// <summary>One statement of the writer's in a transaction of its own; true when it returned a row.</summary>
    private async Task<bool> WriteOneAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var transaction = await BeginAsync(cancellationToken);
        var found = await ScalarAsync(transaction, sql, cancellationToken, parameters) is not null;
        await transaction.CommitAsync(cancellationToken);
        return found;
    }

    /// <summary>An account from five columns starting at <paramref name="first"/>: name, hash, admin, disabled, must change.</summary>
    private static Account AccountOf(SqliteDataReader reader, int first) =>
        new(reader.GetString(first), reader.GetString(first + 1), reader.GetBoolean(first + 2), reader.GetBoolean(first + 3), reader.GetBoolean(first + 4));
}
