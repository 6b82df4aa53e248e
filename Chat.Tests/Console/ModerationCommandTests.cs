using Chat.Client.Console;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// SPEC section 15 at the console's prompt, against the in-memory server: /create, /invite, /kick, /ban, /mute, /topic, /role and
/// /modlog act on the current room, what the people they concern see of them, and what is said instead of asking the server
/// when there is no room to act on.
/// </summary>
public class ModerationCommandTests
{
    [Fact]
    public async Task In_general_or_a_direct_conversation_each_command_says_it_needs_a_room_and_asks_nothing_of_the_server()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");
        string[] commands = ["/invite bob", "/kick bob", "/ban bob", "/unban bob", "/mute bob 5", "/topic hi", "/role bob member", "/modlog"];

        foreach (var line in commands)
        {
            alice.Input.Type(line);
        }

        alice.Input.Type("/go @bob");
        await alice.Output.LineAsync("* now in @bob");
        alice.Input.Type("/kick bob");
        alice.Input.Type("/rooms"); // lines run in turn: once it answers, those above have
        await alice.Output.LineAsync("* @bob: 0 unread (current)");

        alice.Output.Lines.Where(line => line.StartsWith("error:", StringComparison.Ordinal)).Should().Equal(
        [
            .. commands.Select(command =>
                $"error: {command.Split(' ')[0]} acts on the current room, and #general is everyone's: it has no owners, topic or moderation. /go to one of your rooms first."),
            "error: /kick acts on the current room, and @bob is a direct conversation: it has no roles or moderation. /go to one of your rooms first.",
        ]);
        bob.NoticesSoFar().Should().BeEmpty();
    }

    [Fact]
    public async Task A_command_used_wrongly_in_a_room_says_how_to_use_it_and_changes_nothing()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");
        alice.Input.Type("/create dev");
        await alice.Output.LineAsync("* now in #dev");
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await alice.Output.LineAsync("* bob joined #dev");

        foreach (var line in (string[])["/ban bob soon", "/mute bob -1", "/role bob boss", "/kick", "/invite bob carol"])
        {
            alice.Input.Type(line);
        }

        alice.Input.Type("/modlog");
        await alice.Output.LineAsync("* Nothing has been moderated in #dev yet.");

        alice.Output.Lines.Where(line => line.StartsWith("error:", StringComparison.Ordinal)).Should().Equal(
            "error: /ban needs a user and, if it is to end, minutes: /ban bob (until lifted) or /ban bob 30.",
            "error: /mute needs a user and, if it is to end, minutes: /mute bob (until lifted), /mute bob 30, or /mute bob 0 to lift it.",
            "error: /role needs a member and a role, one of owner, moderator or member, e.g. /role bob moderator.",
            "error: /kick needs one user, e.g. /kick bob (quote a name with spaces: /kick \"ann lee\").",
            "error: /invite needs one user, e.g. /invite bob (quote a name with spaces: /invite \"ann lee\").");
        (await bob.MembersAsync("dev")).Should().Equal("alice", "bob");
        bob.NoticesSoFar().Should().BeEmpty();
        bob.RoomChangesSoFar().Should().BeEmpty();
    }

    [Fact]
    public async Task Create_private_then_invite_lets_the_invited_user_join_whom_the_room_turned_away_before()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");
        await using var bob = await StartAsync(app, "bob");
        await using var carol = await app.ConnectAsync("carol");

        alice.Input.Type("/create plans --private what we ship next");
        await alice.Output.LineAsync("* now in #plans");
        bob.Input.Type("/join plans");
        await bob.Output.LineAsync("error: #plans is private; ask one of its owners or moderators to invite you.");
        alice.Input.Type("/invite bob");
        await alice.Output.LineAsync("* invited bob to #plans");
        await bob.Output.LineAsync("* alice invited you to #plans; join it to take part.");
        bob.Input.Type("/join plans");
        await bob.Output.LineAsync("* now in #plans");
        bob.Input.Type("count me in");

        await alice.Output.LineAsync("* bob joined #plans");
        await alice.Output.MessageLineAsync("bob: count me in");
        alice.Input.Type("/rooms");
        await alice.Output.LineAsync("* #plans (private) \"what we ship next\": 0 unread (current)");
        (await carol.ListRoomsAsync()).Should().BeEmpty("a private room is not listed for those not in it nor invited");
        await using var bobsOther = await app.ConnectAsync("bob");
        (await bobsOther.RoomsAsync()).Single(room => room.Room == "plans").Should().Match<RoomSummary>(room => room.Private && room.Topic == "what we ship next" && room.Role == "member");
    }

    [Fact]
    public async Task A_kicked_user_reads_why_and_is_back_in_general_and_a_banned_one_cannot_join_again()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");
        await using var bob = await StartAsync(app, "bob");
        alice.Input.Type("/create dev");
        await alice.Output.LineAsync("* now in #dev");
        bob.Input.Type("/join dev");
        await bob.Output.LineAsync("* now in #dev");
        await alice.Output.LineAsync("* bob joined #dev");

        alice.Input.Type("/kick bob");

        await bob.Output.LineAsync("* alice removed you from #dev.");
        await bob.Output.LineAsync("* now in #general");
        await alice.Output.LineAsync("* removed bob from #dev");
        await alice.Output.LineAsync("* bob left #dev");
        bob.Input.Type("typed after the kick");
        await alice.Output.MessageLineAsync("#general bob: typed after the kick");

        bob.Input.Type("/join dev");
        bob.Input.Type("back in dev");
        await alice.Output.MessageLineAsync("bob: back in dev");
        alice.Input.Type("/ban bob 30");

        var banned = await bob.Output.LineAsync(line => line.StartsWith("* alice banned you from #dev", StringComparison.Ordinal));
        banned.Should().MatchRegex(@"^\* alice banned you from #dev until \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$");
        await alice.Output.LineAsync("* banned bob from #dev for 30 minutes");
        bob.Input.Type("/join dev");
        await bob.Output.LineAsync("error: You are banned from #dev; you cannot join it.");
        bob.Output.Lines.Count(line => line == "* now in #general").Should().Be(2, "the kick and the ban each took bob out of the current room");
    }

    [Fact]
    public async Task A_muted_user_sees_the_notice_and_the_refusal_of_what_they_send_until_the_mute_is_lifted()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");
        await using var bob = await StartAsync(app, "bob");
        alice.Input.Type("/create dev");
        await alice.Output.LineAsync("* now in #dev");
        bob.Input.Type("/join dev");
        await bob.Output.LineAsync("* now in #dev");

        alice.Input.Type("/mute bob");
        await bob.Output.LineAsync("* alice muted you in #dev until it is lifted: you cannot post, edit or react there until then.");
        await alice.Output.LineAsync("* muted bob in #dev until lifted");
        bob.Input.Type("can I still speak?");

        await bob.Output.LineAsync("error: You are muted in #dev until it is lifted: you cannot post, edit or react there.");
        alice.Input.Type("/mute bob 0");
        await bob.Output.LineAsync("* alice lifted your mute in #dev.");
        await alice.Output.LineAsync("* lifted the mute of bob in #dev");
        bob.Input.Type("thanks");
        await alice.Output.MessageLineAsync("bob: thanks");
        alice.Output.MessageBodies.Should().Equal("bob: thanks");
    }

    [Fact]
    public async Task A_new_topic_or_role_shows_to_the_members_it_concerns_as_what_changed()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");
        alice.Input.Type("/create dev");
        await alice.Output.LineAsync("* now in #dev");
        alice.Input.Type("/topic Shipping v2");
        await alice.Output.LineAsync("* #dev topic: Shipping v2");
        await using (var joining = await app.ConnectAsync("bob"))
        {
            await joining.JoinAsync("dev"); // bob's console learns the topic when it starts
        }

        await using var bob = await StartAsync(app, "bob");

        alice.Input.Type("/role bob moderator");
        await bob.Output.LineAsync("* you are now moderator in #dev");
        await alice.Output.LineAsync("* bob is now moderator in #dev");
        alice.Input.Type("/topic Shipping v3");
        await bob.Output.LineAsync("* #dev topic: Shipping v3");
        alice.Input.Type("/topic");
        await bob.Output.LineAsync("* #dev topic cleared");
        await alice.Output.LineAsync("* #dev topic cleared");

        bob.Output.Lines.Where(line => line.StartsWith("* #dev topic", StringComparison.Ordinal) || line.StartsWith("* you are now", StringComparison.Ordinal))
            .Should().Equal("* you are now moderator in #dev", "* #dev topic: Shipping v3", "* #dev topic cleared");
        alice.Output.Lines.Should().NotContain(line => line.StartsWith("* you are now", StringComparison.Ordinal), "alice was the owner all along");
    }

    [Fact]
    public async Task Modlog_prints_the_rooms_acts_newest_first_a_line_each_and_is_refused_to_members()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");
        await using var bob = await StartAsync(app, "bob");
        alice.Input.Type("/create dev");
        await alice.Output.LineAsync("* now in #dev");
        bob.Input.Type("/join dev");
        await bob.Output.LineAsync("* now in #dev");
        bob.Input.Type("/modlog");
        await bob.Output.LineAsync("error: Only the owners and moderators of #dev can read its moderation log.");

        foreach (var line in (string[])["/mute bob", "/topic Shipping v2", "/kick bob", "/ban bob 60", "/modlog"])
        {
            alice.Input.Type(line);
        }

        await alice.Output.LineAsync("* Moderation of #dev, newest first:");
        await using var owner = await app.ConnectAsync("alice");
        var log = await owner.ModerationLogAsync("dev");
        log.Select(entry => entry.Action).Should().Equal("ban", "kick", "topic", "mute");
        string[] expected =
        [
            "* Moderation of #dev, newest first:",
            $"[{Local(log[0].At):HH:mm}] alice ban bob until {Local(log[0].Until!.Value):yyyy-MM-dd HH:mm}",
            $"[{Local(log[1].At):HH:mm}] alice kick bob",
            $"[{Local(log[2].At):HH:mm}] alice topic \"Shipping v2\"",
            $"[{Local(log[3].At):HH:mm}] alice mute bob until lifted",
        ];
        await alice.Output.LineAsync(expected[^1]);
        var lines = alice.Output.Lines.ToList();
        lines[lines.IndexOf(expected[0])..].Should().Equal(expected);
    }

    [Fact]
    public async Task Modlog_prints_only_the_newest_twenty_acts()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "0" });
        await using var alice = await StartAsync(app, "alice");
        alice.Input.Type("/create dev");
        await alice.Output.LineAsync("* now in #dev");
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var owner = await app.ConnectAsync("alice");
        for (var act = 1; act <= 22; act++)
        {
            await owner.MuteAsync("dev", "bob", act % 2 == 1 ? 5 : 0); // muted, lifted, muted...
        }

        alice.Input.Type("/modlog");
        await alice.Output.LineAsync("* Moderation of #dev, newest first:");
        alice.Input.Type("/rooms"); // lines run in turn: once it answers, /modlog has printed all it prints
        await alice.Output.LineAsync("* #dev: 0 unread (current)");

        var lines = alice.Output.Lines.ToList();
        var logged = lines[(lines.IndexOf("* Moderation of #dev, newest first:") + 1)..lines.IndexOf("* #general: 0 unread")];
        logged.Should().HaveCount(Prompt.ModerationLogLimit).And.HaveCount(20);
        logged[0].Should().EndWith("] alice mute bob lifted", "the 22nd act, a lift, is the newest");
        logged[^1].Should().MatchRegex(@"^\[\d\d:\d\d\] alice mute bob until \d{4}-\d\d-\d\d \d\d:\d\d$", "the 3rd act, a mute, is the 20th newest");
    }

    [Fact]
    public async Task Help_lists_the_moderation_commands()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");

        alice.Input.Type("/help");

        await alice.Output.LineAsync(line => line.StartsWith("* Commands: /help", StringComparison.Ordinal));
        string[] listed = ["/create NAME [--private] [TOPIC]", "/invite USER", "/kick USER", "/ban USER [MINUTES]", "/unban USER", "/mute USER [MINUTES]", "/topic [TEXT]", "/role USER ROLE", "/modlog"];
        foreach (var command in listed)
        {
            alice.Output.Lines.Should().Contain(line => line.StartsWith("*  " + command + " ", StringComparison.Ordinal), command + " is listed");
        }
    }

    private static DateTime Local(DateTime utc) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), TestClock.Zone);

    private static Task<InteractiveRun> StartAsync(ChatApplication app, string user) =>
        InteractiveRun.StartAsync(new ChatEndpoint(app.Server.BaseAddress, user), app.UseInMemoryTransport);
}
