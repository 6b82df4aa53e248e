using Chat.Client.Console;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// The moderation commands as typed at the prompt (SPEC section 15): what each asks for, what is wrong with one used wrongly,
/// how a <c>RoomChanged</c> reads against what was known, and how <c>/rooms</c> and <c>/modlog</c> read.
/// </summary>
public class ModerationLineTests
{
    private static readonly DateTime Noon = new(2026, 1, 2, 12, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData("/create dev", "dev", false, null)]
    [InlineData("/CREATE  #Dev ", "#Dev", false, null)]
    [InlineData("/create plans --private", "plans", true, null)]
    [InlineData("/create plans --private what we ship next", "plans", true, "what we ship next")]
    [InlineData("/create dev shipping  v2", "dev", false, "shipping  v2")]
    [InlineData("/create dev --privateer club", "dev", false, "--privateer club")]
    public void Create_takes_the_name_as_typed_then_private_then_the_topic(string line, string room, bool isPrivate, string? topic)
    {
        TypedLine.Parse(line).Should().Be(new TypedLine.Create(room, isPrivate, topic));
    }

    [Fact]
    public void Each_moderation_command_takes_a_user_as_typed_with_or_without_at_and_in_quotes_with_spaces()
    {
        TypedLine.Parse("/invite bob").Should().Be(new TypedLine.Invite("bob"));
        TypedLine.Parse("/Kick @bob").Should().Be(new TypedLine.Kick("bob"));
        TypedLine.Parse("/unban \"ann lee\"").Should().Be(new TypedLine.Unban("ann lee"));
        TypedLine.Parse("/ban bob").Should().Be(new TypedLine.Ban("bob", null));
        TypedLine.Parse("/ban @bob 30").Should().Be(new TypedLine.Ban("bob", 30));
        TypedLine.Parse("/mute \"ann lee\" 5").Should().Be(new TypedLine.Mute("ann lee", 5));
        TypedLine.Parse("/mute bob").Should().Be(new TypedLine.Mute("bob", null));
        TypedLine.Parse("/mute bob 0").Should().Be(new TypedLine.Mute("bob", 0));
        TypedLine.Parse("/role bob Moderator").Should().Be(new TypedLine.Role("bob", "moderator"));
        TypedLine.Parse("/role \"ann lee\" owner").Should().Be(new TypedLine.Role("ann lee", "owner"));
        TypedLine.Parse("/topic  Shipping v2 ").Should().Be(new TypedLine.SetTopic("Shipping v2"));
        TypedLine.Parse("/topic").Should().Be(new TypedLine.SetTopic(null));
        TypedLine.Parse("/modlog").Should().BeOfType<TypedLine.ModerationLog>();
    }

    [Theory]
    [InlineData("/create", "/create needs a room name, e.g. /create dev, /create plans --private or /create dev --private what we ship next.")]
    [InlineData("/create --private plans", "/create needs a room name, e.g. /create dev, /create plans --private or /create dev --private what we ship next.")]
    [InlineData("/create @bob", "/create makes a room; @bob is a direct conversation, which needs no creating: /msg bob hello.")]
    [InlineData("/invite", "/invite needs one user, e.g. /invite bob (quote a name with spaces: /invite \"ann lee\").")]
    [InlineData("/invite bob carol", "/invite needs one user, e.g. /invite bob (quote a name with spaces: /invite \"ann lee\").")]
    [InlineData("/kick @", "/kick needs one user, e.g. /kick bob (quote a name with spaces: /kick \"ann lee\").")]
    [InlineData("/unban \"\"", "/unban needs one user, e.g. /unban bob (quote a name with spaces: /unban \"ann lee\").")]
    [InlineData("/ban", "/ban needs a user and, if it is to end, minutes: /ban bob (until lifted) or /ban bob 30.")]
    [InlineData("/ban bob soon", "/ban needs a user and, if it is to end, minutes: /ban bob (until lifted) or /ban bob 30.")]
    [InlineData("/ban bob 0", "/ban needs a user and, if it is to end, minutes: /ban bob (until lifted) or /ban bob 30.")]
    [InlineData("/ban bob -5", "/ban needs a user and, if it is to end, minutes: /ban bob (until lifted) or /ban bob 30.")]
    [InlineData("/ban bob 99999999999", "/ban needs a user and, if it is to end, minutes: /ban bob (until lifted) or /ban bob 30.")]
    [InlineData("/mute", "/mute needs a user and, if it is to end, minutes: /mute bob (until lifted), /mute bob 30, or /mute bob 0 to lift it.")]
    [InlineData("/mute bob 1.5", "/mute needs a user and, if it is to end, minutes: /mute bob (until lifted), /mute bob 30, or /mute bob 0 to lift it.")]
    [InlineData("/role bob", "/role needs a member and a role, one of owner, moderator or member, e.g. /role bob moderator.")]
    [InlineData("/role bob admin", "/role needs a member and a role, one of owner, moderator or member, e.g. /role bob moderator.")]
    [InlineData("/role", "/role needs a member and a role, one of owner, moderator or member, e.g. /role bob moderator.")]
    [InlineData("/modlog 50", "/modlog takes nothing after it: it shows the current room's latest moderation.")]
    public void A_moderation_command_used_wrongly_says_how_to_use_it(string line, string message)
    {
        TypedLine.Parse(line).Should().Be(new TypedLine.Usage(message));
    }

    [Theory]
    [InlineData("/created a room")]
    [InlineData("/bans are rare")]
    [InlineData("//kick bob")]
    public void Lines_that_only_start_like_a_moderation_command_are_text(string line)
    {
        TypedLine.Parse(line).Should().Be(new TypedLine.Text(line));
    }

    [Fact]
    public void A_room_change_says_what_changed_against_what_was_known()
    {
        var rooms = new RoomStates();
        rooms.Know(new RoomSummary("dev", 5, 0) { Role = "member" }, new RoomSummary("ops", 7, 1) { Topic = "on call", Role = "owner" });

        rooms.Changed(Change("dev", topic: "Shipping v2", role: "member")).Should().Equal("* #dev topic: Shipping v2");
        rooms.Changed(Change("dev", topic: "Shipping v2", role: "moderator")).Should().Equal("* you are now moderator in #dev");
        rooms.Changed(Change("dev", topic: null, role: "moderator")).Should().Equal("* #dev topic cleared");
        rooms.Changed(Change("ops", topic: "on call", role: "owner")).Should().BeEmpty();
        rooms.Changed(Change("ops", topic: "war room", role: "member")).Should().Equal("* #ops topic: war room", "* you are now member in #ops");
    }

    [Fact]
    public void A_change_of_a_room_not_known_here_is_told_against_no_topic_and_membership()
    {
        var rooms = new RoomStates();

        rooms.Changed(Change("qa", topic: "tests", role: "member")).Should().Equal("* #qa topic: tests");
        rooms.Changed(Change("ux", topic: null, role: "owner")).Should().Equal("* you are now owner in #ux");
        rooms.Changed(Change("ux", topic: null, role: "owner")).Should().BeEmpty("it is known now");
    }

    [Fact]
    public void Rooms_lists_a_private_room_and_a_topic_next_to_the_room()
    {
        RoomStates.Listed(new RoomSummary("plans", 3, 2) { Private = true, Topic = "Shipping v2" }, current: true)
            .Should().Be("* #plans (private) \"Shipping v2\": 2 unread (current)");
        RoomStates.Listed(new RoomSummary("dev", 3, 0), current: false).Should().Be("* #dev: 0 unread");
        RoomStates.Listed(new RoomSummary("@bob", 3, 1), current: false).Should().Be("* @bob: 1 unread");
    }

    [Fact]
    public void A_moderation_act_reads_as_one_line_in_local_time()
    {
        var clock = new TestClock(); // UTC+05:30: noon is 17:30, 04:30 the next day is 10:00
        var until = Noon.AddHours(16).AddMinutes(30);

        Log("ban", "bob", until).Should().Be("[17:30] alice ban bob until 2026-01-03 10:00");
        Log("ban", "bob", null).Should().Be("[17:30] alice ban bob until lifted");
        Log("mute", "bob", null).Should().Be("[17:30] alice mute bob until lifted");
        Log("mute", "bob", until).Should().Be("[17:30] alice mute bob until 2026-01-03 10:00");
        Log("mute", "bob", Noon).Should().Be("[17:30] alice mute bob lifted");
        Log("kick", "bob", null).Should().Be("[17:30] alice kick bob");
        Log("unban", "bob", null).Should().Be("[17:30] alice unban bob");
        Log("invite", "bob", null).Should().Be("[17:30] alice invite bob");
        RoomStates.Logged(Entry("role", "bob", null) with { Role = "moderator" }, clock).Should().Be("[17:30] alice role bob moderator");
        RoomStates.Logged(Entry("topic", null, null) with { Topic = "Shipping v2" }, clock).Should().Be("[17:30] alice topic \"Shipping v2\"");
        Log("topic", null, null).Should().Be("[17:30] alice topic cleared");
        RoomStates.Logged(Entry("delete", "bob", null) with { MessageId = 42 }, clock).Should().Be("[17:30] alice delete message 42 by bob");

        string Log(string action, string? target, DateTime? end) => RoomStates.Logged(Entry(action, target, end), clock);
    }

    private static ModerationEntry Entry(string action, string? target, DateTime? until) => new(1, "dev", "alice", action, target, until, Noon);

    private static RoomSummary Change(string room, string? topic, string role) => new(room, null, 0) { Topic = topic, Role = role };
}
