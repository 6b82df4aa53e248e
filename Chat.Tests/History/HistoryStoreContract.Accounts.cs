using Chat.Server.Accounts;
using Chat.Server.History;

namespace Chat.Tests.History;

/// <summary>Built-in accounts in the store (SPEC section 13): accounts, invites, sessions and refresh-token rotation.</summary>
public abstract partial class HistoryStoreContract
{
    private static readonly TimeSpan Race = TimeSpan.FromSeconds(30);

    private static Account NewAccount(string name, bool admin = false) => new(name, "hash-of-" + name, admin, Disabled: false, MustChangePassword: false);

    /// <summary>Creates alice's account and a session with refresh token <c>t1</c>, 30 days from <see cref="Now"/>.</summary>
    private static async Task<IHistoryStore> WithSessionAsync(IHistoryStore store, string session = "s1", string token = "t1")
    {
        if (await store.AccountAsync("alice", default) is null)
        {
            await store.CreateAccountAsync(NewAccount("alice"), null, Now, default);
        }

        await store.StartSessionAsync(session, "alice", token, Now.AddDays(30), Now, default);
        return store;
    }

    [SkippableFact]
    public async Task Accounts_are_created_once_per_name_and_read_back()
    {
        var store = await OpenAsync();

        var first = await store.CreateAccountAsync(NewAccount("alice", admin: true), null, Now, default);
        var again = await store.CreateAccountAsync(NewAccount("alice") with { PasswordHash = "other" }, null, Now, default);

        first.Should().Be(RegisterOutcome.Created);
        again.Should().Be(RegisterOutcome.NameTaken);
        (await store.AccountAsync("alice", default)).Should().Be(NewAccount("alice", admin: true));
        (await store.AccountAsync("bob", default)).Should().BeNull();
        (await (await ReopenAsync()).AccountsAsync(default)).Select(account => account.Name).Should().Equal("alice");
    }

    [SkippableFact]
    public async Task An_invite_is_spent_one_use_per_account_and_refused_when_used_up_or_expired()
    {
        var store = await OpenAsync();
        await store.CreateInviteAsync("two-uses", 2, Now.AddDays(1), Now, default);
        await store.CreateInviteAsync("expired", 5, Now.AddMinutes(-1), Now.AddDays(-1), default);

        var outcomes = new List<RegisterOutcome>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            outcomes.Add(await store.CreateAccountAsync(NewAccount(name), "two-uses", Now, default));
        }

        outcomes.Should().Equal(RegisterOutcome.Created, RegisterOutcome.Created, RegisterOutcome.InviteRefused);
        (await store.CreateAccountAsync(NewAccount("d"), "expired", Now, default)).Should().Be(RegisterOutcome.InviteRefused);
        (await store.CreateAccountAsync(NewAccount("e"), "unknown", Now, default)).Should().Be(RegisterOutcome.InviteRefused);
        (await store.AccountAsync("c", default)).Should().BeNull();
    }

    [SkippableFact]
    public async Task A_taken_name_gives_the_invite_use_back()
    {
        var store = await OpenAsync();
        await store.CreateAccountAsync(NewAccount("alice"), null, Now, default);
        await store.CreateInviteAsync("one-use", 1, Now.AddDays(1), Now, default);

        var taken = await store.CreateAccountAsync(NewAccount("alice"), "one-use", Now, default);
        var bob = await store.CreateAccountAsync(NewAccount("bob"), "one-use", Now, default);

        taken.Should().Be(RegisterOutcome.NameTaken);
        bob.Should().Be(RegisterOutcome.Created);
    }

    [SkippableFact]
    public async Task A_refresh_token_rotates_once_and_its_reuse_ends_the_session()
    {
        var store = await WithSessionAsync(await OpenAsync());

        var rotated = await store.RotateAsync("t1", "t2", Now.AddDays(30), Race, Now.AddMinutes(1), default);
        var raced = await store.RotateAsync("t1", "t2b", Now.AddDays(30), Race, Now.AddMinutes(1).AddSeconds(5), default);
        var reused = await store.RotateAsync("t1", "t3", Now.AddDays(30), Race, Now.AddMinutes(2), default);
        var successor = await store.RotateAsync("t2", "t4", Now.AddDays(30), Race, Now.AddMinutes(3), default);

        rotated.Should().Be(new Rotation(RotationOutcome.Rotated, "s1", NewAccount("alice")));
        raced.Outcome.Should().Be(RotationOutcome.Raced, "a token spent 5 s ago is another tab's race, not a copy");
        reused.Outcome.Should().Be(RotationOutcome.Reused);
        successor.Outcome.Should().Be(RotationOutcome.Refused, "reusing a spent token ends its whole session, the token that replaced it included");
        (await store.RevokedSinceAsync(Now, default)).Sessions.Should().Equal("s1");
    }

    [SkippableFact]
    public async Task Expired_unknown_and_disabled_refresh_tokens_are_refused()
    {
        var store = await WithSessionAsync(await OpenAsync());
        await store.StartSessionAsync("s2", "alice", "short", Now.AddMinutes(1), Now, default);

        (await store.RotateAsync("short", "x", Now.AddDays(30), Race, Now.AddMinutes(2), default)).Outcome.Should().Be(RotationOutcome.Refused);
        (await store.RotateAsync("unknown", "y", Now.AddDays(30), Race, Now, default)).Outcome.Should().Be(RotationOutcome.Refused);

        (await store.SetDisabledAsync("alice", true, Now, default)).Should().BeTrue();
        (await store.RotateAsync("t1", "z", Now.AddDays(30), Race, Now.AddMinutes(1), default)).Outcome.Should().Be(RotationOutcome.Refused);
        (await store.AccountAsync("alice", default))!.Disabled.Should().BeTrue();
        (await store.RevokedSinceAsync(Now.AddSeconds(-1), default)).Should().BeEquivalentTo(new Revocations(["s1", "s2"], ["alice"]));

        (await store.SetDisabledAsync("alice", false, Now.AddMinutes(5), default)).Should().BeTrue();
        (await store.AccountAsync("alice", default))!.Disabled.Should().BeFalse();
        (await store.RevokedSinceAsync(Now.AddSeconds(-1), default)).DisabledUsers.Should().BeEmpty();
        (await store.SetDisabledAsync("nobody", true, Now, default)).Should().BeFalse();
    }

    [SkippableFact]
    public async Task Logout_ends_the_tokens_session_and_a_password_change_ends_the_others()
    {
        var store = await WithSessionAsync(await OpenAsync());
        await WithSessionAsync(store, "s2", "u1");
        await WithSessionAsync(store, "s3", "v1");

        var loggedOut = await store.EndSessionOfTokenAsync("t1", Now.AddMinutes(1), default);
        var others = await store.EndSessionsAsync("alice", except: "s2", Now.AddMinutes(2), default);
        var changed = await store.SetPasswordAsync("alice", "new-hash", mustChange: false, default);

        loggedOut.Should().Be("s1");
        others.Should().Be(1, "s1 had ended already; s3 ends; s2 is the one kept");
        changed.Should().BeTrue();
        (await store.AccountAsync("alice", default))!.PasswordHash.Should().Be("new-hash");
        (await store.RotateAsync("u1", "u2", Now.AddDays(30), Race, Now.AddMinutes(3), default)).Outcome.Should().Be(RotationOutcome.Rotated);
        (await store.RotateAsync("v1", "v2", Now.AddDays(30), Race, Now.AddMinutes(3), default)).Outcome.Should().Be(RotationOutcome.Refused);
        (await store.RevokedSinceAsync(Now, default)).Sessions.Should().BeEquivalentTo("s1", "s3");
        (await store.EndSessionOfTokenAsync("unknown", Now, default)).Should().BeNull();
    }

    [SkippableFact]
    public async Task Expired_tokens_old_ended_sessions_and_useless_invites_are_forgotten()
    {
        var store = await WithSessionAsync(await OpenAsync());
        await store.StartSessionAsync("s2", "alice", "live", Now.AddDays(30), Now, default);
        await store.EndSessionOfTokenAsync("t1", Now, default);
        await store.CreateInviteAsync("spent", 1, Now.AddDays(1), Now, default);
        await store.CreateAccountAsync(NewAccount("bob"), "spent", Now, default);
        await store.CreateInviteAsync("live-invite", 1, Now.AddDays(10), Now, default);

        var forgotten = await store.ForgetExpiredAsync(Now.AddDays(2), before: Now.AddDays(1), default);

        forgotten.Should().Be(3, "s1's token, s1 itself and the spent invite");
        (await store.RevokedSinceAsync(Now.AddDays(-1), default)).Sessions.Should().BeEmpty();
        (await store.RotateAsync("live", "live2", Now.AddDays(30), Race, Now.AddDays(2), default)).Outcome.Should().Be(RotationOutcome.Rotated);
        (await store.CreateAccountAsync(NewAccount("carol"), "live-invite", Now.AddDays(2), default)).Should().Be(RegisterOutcome.Created);
    }

    [SkippableFact]
    public async Task A_login_past_the_most_sessions_ends_the_oldest()
    {
        var store = await OpenAsync();
        await store.CreateAccountAsync(NewAccount("alice"), null, Now, default);
        for (var i = 0; i <= IAccountStore.MaxSessionsPerUser; i++)
        {
            await store.StartSessionAsync($"s{i}", "alice", $"t{i}", Now.AddDays(30), Now.AddSeconds(i), default);
        }

        (await store.RevokedSinceAsync(Now.AddSeconds(-1), default)).Sessions.Should().Equal("s0");
        (await store.RotateAsync("t0", "x", Now.AddDays(30), Race, Now.AddMinutes(5), default)).Outcome.Should().Be(RotationOutcome.Refused);
        (await store.RotateAsync("t1", "y", Now.AddDays(30), Race, Now.AddMinutes(5), default)).Outcome.Should().Be(RotationOutcome.Rotated);
    }
}
