using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hubs;

public class CommandTests
{
    [Fact]
    public async Task Help_answers_the_caller_alone_and_is_not_stored()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");

        var ack = await alice.SendAsync("/help");

        ack.Should().BeNull("commands have no stored message");
        (await alice.NextNoticeAsync()).Should().Contain("/help").And.Contain("/who").And.Contain("//");
        await bob.OnlineUsersAsync();
        bob.NoticesSoFar().Should().BeEmpty();
        (await alice.HistoryAsync()).Should().BeEmpty();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Help_offers_clear_only_where_the_caller_may_run_it_without_sign_in(bool allowClearWithoutSignIn, bool offered)
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:AllowClearWithoutSignIn"] = allowClearWithoutSignIn ? "true" : "false" });
        await using var alice = await app.ConnectAsync("alice");

        await alice.SendAsync("/help");

        var help = await alice.NextNoticeAsync();
        if (offered)
        {
            help.Should().Contain("/clear");
        }
        else
        {
            help.Should().NotContain("/clear", "/clear is off on this server, so help must not offer it");
        }
    }

    [Fact]
    public async Task Who_lists_the_online_users_to_the_caller()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await app.ConnectAsync("alice");

        await alice.SendAsync("/WHO");

        (await alice.NextNoticeAsync()).Should().Be("Online (2): alice, bob");
        (await alice.HistoryAsync()).Should().BeEmpty();
        bob.ReceivedSoFar().Should().BeEmpty();
    }

    [Fact]
    public async Task Clear_deletes_history_tells_everyone_and_ids_are_never_reused()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:AllowClearWithoutSignIn"] = "true" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var last = await alice.SendAsync("soon gone");

        var ack = await alice.SendAsync("/clear");

        ack.Should().BeNull();
        (await alice.NextClearedAsync()).Should().BeTrue();
        (await bob.NextClearedAsync()).Should().BeTrue();
        (await bob.HistoryAsync()).Should().BeEmpty();
        var next = await alice.SendAsync("a fresh start");
        next!.Id.Should().BeGreaterThan(last!.Id);
    }
}
