using Chat.Server.Accounts;
using Npgsql;

namespace Chat.Server.History.Postgres;

/// <summary>
/// Built-in accounts (<see cref="IAccountStore"/>): accounts, invites, sessions and refresh tokens. A refresh token is
/// locked while it is used (FOR UPDATE), so two nodes never both spend it.
/// </summary>
public sealed partial class PostgresStore
{
    public Task<Account?> AccountAsync(string name, CancellationToken cancellationToken) =>
        ReadAsync(PostgresSql.Account, async (reader, token) => await reader.ReadAsync(token) ? AccountOf(reader, 0) : null, cancellationToken, name);

    public Task<Account[]> AccountsAsync(CancellationToken cancellationToken) =>
        ReadAsync(
            PostgresSql.Accounts,
            async (reader, token) =>
            {
                var accounts = new List<Account>();
                while (await reader.ReadAsync(token))
                {
                    accounts.Add(AccountOf(reader, 0));
                }

                return accounts.ToArray();
            },
            cancellationToken);

    public Task<RegisterOutcome> CreateAccountAsync(Account account, string? inviteHash, DateTime now, CancellationToken cancellationToken) =>
        TransactAsync(
            async (connection, transaction) =>
            {
                if (inviteHash is not null && await ScalarAsync(connection, transaction, PostgresSql.SpendInvite, cancellationToken, inviteHash, now) is null)
                {
                    return (RegisterOutcome.InviteRefused, Commit: false);
                }

                var created = await ScalarAsync(
                    connection, transaction, PostgresSql.CreateAccount, cancellationToken, account.Name, account.PasswordHash, account.Admin, account.MustChangePassword, now) is not null;

                // A name taken gives the invite's use back with the rollback.
                return created ? (RegisterOutcome.Created, Commit: true) : (RegisterOutcome.NameTaken, Commit: false);
            },
            cancellationToken);

    public async Task<bool> SetPasswordAsync(string name, string passwordHash, bool mustChange, CancellationToken cancellationToken) =>
        await TransactAsync(
            async (connection, transaction) => (await ScalarAsync(connection, transaction, PostgresSql.SetPassword, cancellationToken, name, passwordHash, mustChange) is not null, Commit: true),
            cancellationToken);

    public Task<bool> SetDisabledAsync(string name, bool disabled, DateTime now, CancellationToken cancellationToken) =>
        TransactAsync(
            async (connection, transaction) =>
            {
                var found = await ScalarAsync(connection, transaction, PostgresSql.SetDisabled, cancellationToken, name, disabled, now) is not null;
                if (found && disabled)
                {
                    await ScalarAsync(connection, transaction, PostgresSql.EndSessions, cancellationToken, name, "", now);
                }

                return (found, Commit: true);
            },
            cancellationToken);

    public Task CreateInviteAsync(string codeHash, int uses, DateTime expiresAt, DateTime now, CancellationToken cancellationToken) =>
        TransactAsync(
            async (connection, transaction) => (await ScalarAsync(connection, transaction, PostgresSql.CreateInvite, cancellationToken, codeHash, uses, expiresAt, now), Commit: true),
            cancellationToken);

    public Task StartSessionAsync(string session, string user, string tokenHash, DateTime expiresAt, DateTime now, CancellationToken cancellationToken) =>
        TransactAsync(
            async (connection, transaction) =>
            {
                await ScalarAsync(connection, transaction, PostgresSql.StartSession, cancellationToken, session, user, now);
                await ScalarAsync(connection, transaction, PostgresSql.AddRefreshToken, cancellationToken, tokenHash, session, expiresAt);
                await ScalarAsync(connection, transaction, PostgresSql.EndOldSessions, cancellationToken, user, now, IAccountStore.MaxSessionsPerUser);
                return (true, Commit: true);
            },
            cancellationToken);

    public Task<Rotation> RotateAsync(string tokenHash, string nextHash, DateTime nextExpiresAt, TimeSpan raceWindow, DateTime now, CancellationToken cancellationToken) =>
        TransactAsync(
            async (connection, transaction) =>
            {
                string session;
                DateTime expiresAt;
                DateTime? usedAt;
                bool ended;
                Account account;
                await using (var query = Command(connection, transaction, PostgresSql.RefreshToken, tokenHash))
                await using (var reader = await query.ExecuteReaderAsync(cancellationToken))
                {
                    if (!await reader.ReadAsync(cancellationToken))
                    {
                        return (new Rotation(RotationOutcome.Refused), Commit: false);
                    }

                    session = reader.GetString(0);
                    expiresAt = reader.GetFieldValue<DateTime>(1);
                    usedAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTime>(2);
                    ended = reader.GetBoolean(3);
                    account = AccountOf(reader, 4);
                }

                if (ended || account.Disabled || expiresAt <= now)
                {
                    return (new Rotation(RotationOutcome.Refused), Commit: false);
                }

                if (usedAt is { } used)
                {
                    if (now - used < raceWindow)
                    {
                        return (new Rotation(RotationOutcome.Raced), Commit: false);
                    }

                    await ScalarAsync(connection, transaction, PostgresSql.EndSession, cancellationToken, session, now);
                    return (new Rotation(RotationOutcome.Reused, session, account), Commit: true);
                }

                await ScalarAsync(connection, transaction, PostgresSql.SpendRefreshToken, cancellationToken, tokenHash, now);
                await ScalarAsync(connection, transaction, PostgresSql.AddRefreshToken, cancellationToken, nextHash, session, nextExpiresAt);
                return (new Rotation(RotationOutcome.Rotated, session, account), Commit: true);
            },
            cancellationToken);

    public Task<string?> EndSessionOfTokenAsync(string tokenHash, DateTime now, CancellationToken cancellationToken) =>
        TransactAsync(
            async (connection, transaction) => (await ScalarAsync(connection, transaction, PostgresSql.EndSessionOfToken, cancellationToken, tokenHash, now) as string, Commit: true),
            cancellationToken);

    public Task<int> EndSessionsAsync(string user, string? except, DateTime now, CancellationToken cancellationToken) =>
        TransactAsync(
            async (connection, transaction) =>
            {
                await using var command = Command(connection, transaction, PostgresSql.EndSessions, user, except ?? "", now);
                return (await command.ExecuteNonQueryAsync(cancellationToken), Commit: true);
            },
            cancellationToken);

    public async Task<Revocations> RevokedSinceAsync(DateTime since, CancellationToken cancellationToken) => new(
        await ReadAsync(PostgresSql.SessionsRevokedSince, StringsAsync, cancellationToken, since),
        await ReadAsync(PostgresSql.DisabledSince, StringsAsync, cancellationToken, since));

    public Task<int> ForgetExpiredAsync(DateTime now, DateTime before, CancellationToken cancellationToken) =>
        TransactAsync(
            async (connection, transaction) =>
            {
                var forgotten = 0;
                foreach (var (sql, parameters) in new (string, object[])[]
                {
                    (PostgresSql.ForgetExpiredTokens, [now, before]),
                    (PostgresSql.ForgetEndedSessions, [before]),
                    (PostgresSql.ForgetUselessInvites, [now]),
                })
                {
                    await using var command = Command(connection, transaction, sql, parameters);
                    forgotten += await command.ExecuteNonQueryAsync(cancellationToken);
                }

                return (forgotten, Commit: true);
            },
            cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a transaction, committed when it says so (else rolled back).</summary>
    private async Task<T> TransactAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var (result, commit) = await work(connection, transaction);
        if (commit)
        {
            await CommitAsync(transaction, cancellationToken);
        }

        return result;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, params object?[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(Parameter(value));
        }

        return command;
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object?[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>An account from five columns starting at <paramref name="first"/>: name, hash, admin, disabled, must change.</summary>
    private static Account AccountOf(NpgsqlDataReader reader, int first) =>
        new(reader.GetString(first), reader.GetString(first + 1), reader.GetBoolean(first + 2), reader.GetBoolean(first + 3), reader.GetBoolean(first + 4));
}
