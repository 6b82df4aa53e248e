using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Chat.Tests.Rooms;

/// <summary>SPEC section 15 on one server: private rooms, roles, topics, kicks, bans, mutes and the moderation log, each rule once.</summary>
public sealed class ModerationTests
{
    private static async Task<string> RefusalAsync(Func<Task> call) => (await call.Should().ThrowAsync<HubException>()).Which.Message;

    private static string Token(string user, bool admin = false) => ChatTokens.Create(AuthTests.Key, user, admin, TimeSpan.FromHours(1));

    /// <summary>Reads <paramref name="client"/>'s room events up to <paramref name="expected"/> (those before it, joins, may still be on their way).</summary>
    private static async Task ReachedAsync(TestClient client, string expected)
    {
        while (await client.NextRoomEventAsync() != expected)
        {
        }
    }

    [Fact]
    public async Task CreateRoom_makes_the_caller_the_owner_of_a_new_room_with_its_privacy_and_topic()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");

        var created = await alice.CreateRoomAsync("plans", isPrivate: true, topic: "  Q3 plans  ");

        created.Should().Be(new RoomSummary("plans", null, 0) { Private = true, Topic = "Q3 plans", Role = "owner" });
        (await alice.NextRoomEventAsync()).Should().Be("UserJoinedRoom plans alice");
        (await alice.RoomsAsync())[1].Should().Be(created);
        (await alice.ListRoomsAsync()).Should().Equal(new RoomListing("plans", 1) { Private = true, Topic = "Q3 plans" });
        (await bob.ListRoomsAsync()).Should().BeEmpty("a private room is absent from the list for those not in it");
        (await bob.JoinAsync("lobby")).Should().Be(new RoomSummary("lobby", null, 0) { Role = "owner" }, "JoinRoom of a new name still creates a public room");
        (await alice.RoomsAsync())[0].Role.Should().Be("member", "general has no owners");

        (await RefusalAsync(() => bob.CreateRoomAsync("plans"))).Should().EndWith("#plans exists already; join it, or create a room with another name.");
        (await RefusalAsync(() => bob.CreateRoomAsync("lobby"))).Should().EndWith("#lobby exists already; join it, or create a room with another name.");
        (await RefusalAsync(() => bob.CreateRoomAsync("general"))).Should().Contain("#general is everyone's");
        (await RefusalAsync(() => bob.CreateRoomAsync("@alice"))).Should().Contain("Direct conversations have no roles");
        (await RefusalAsync(() => bob.CreateRoomAsync("Bad Name"))).Should().Contain("room name");
        (await RefusalAsync(() => bob.CreateRoomAsync("long", topic: new string('t', 251)))).Should().EndWith("The topic has 251 characters; a topic has at most 250.");
        (await RefusalAsync(() => bob.CreateRoomAsync("ctl", topic: "two\nlines"))).Should().EndWith("A topic is one line of text, without control characters.");
        (await bob.ListRoomsAsync()).Select(room => room.Room).Should().Equal(["lobby"], "nothing refused was created");
    }

    [Fact]
    public async Task A_private_room_is_joined_only_with_an_invite_which_one_join_uses()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.CreateRoomAsync("plans", isPrivate: true);

        (await RefusalAsync(() => bob.JoinAsync("plans"))).Should().EndWith("#plans is private; ask one of its owners or moderators to invite you.");
        (await RefusalAsync(() => carol.InviteAsync("plans", "bob"))).Should().EndWith("Only the owners and moderators of #plans can invite there.");
        await alice.InviteAsync("plans", "bob");
        await alice.InviteAsync("plans", "bob"); // again: nothing new

        (await bob.NextNoticeAsync()).Should().Be("alice invited you to #plans; join it to take part.");
        (await bob.ListRoomsAsync()).Should().Equal([new RoomListing("plans", 1) { Private = true }], "an invited user finds the room");
        (await carol.ListRoomsAsync()).Should().BeEmpty();
        (await RefusalAsync(() => carol.JoinAsync("plans"))).Should().Contain("is private");
        (await bob.JoinAsync("plans")).Should().Be(new RoomSummary("plans", null, 0) { Private = true, Role = "member" });
        (await RefusalAsync(() => alice.InviteAsync("plans", "bob"))).Should().EndWith("bob is in #plans already.");

        await bob.LeaveAsync("plans");
        (await RefusalAsync(() => bob.JoinAsync("plans"))).Should().Contain("is private", "the invite was used by the join");
        (await alice.ModerationLogAsync("plans")).Select(entry => (entry.Action, entry.Actor, entry.Target)).Should().Equal([("invite", "alice", "bob")], "the repeated invite changed nothing");
    }

    [Fact]
    public async Task Owners_give_roles_and_the_member_hears_their_new_role_and_nobody_else_can()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.CreateRoomAsync("dev");
        await bob.JoinAsync("dev");
        await carol.JoinAsync("dev");

        await alice.SetRoleAsync("dev", "bob", "moderator");

        (await bob.NextRoomChangeAsync()).Should().Be(new RoomSummary("dev", null, 0) { Role = "moderator" });
        (await bob.RoomsAsync())[1].Role.Should().Be("moderator");
        (await RefusalAsync(() => bob.SetRoleAsync("dev", "carol", "moderator"))).Should().EndWith("Only the owners of #dev can give roles there.");
        (await RefusalAsync(() => carol.SetRoleAsync("dev", "carol", "owner"))).Should().EndWith("Only the owners of #dev can give roles there.");
        (await RefusalAsync(() => alice.SetRoleAsync("dev", "dave", "moderator"))).Should().EndWith("dave is not in #dev; only members get roles (invite them first).");
        (await RefusalAsync(() => alice.SetRoleAsync("dev", "carol", "admin"))).Should().EndWith("\"admin\" is not a role; give one of owner, moderator or member.");
        (await RefusalAsync(() => alice.SetRoleAsync("dev", "alice", "member"))).Should().EndWith("alice is the only owner of #dev; make someone else an owner first.");

        await alice.SetRoleAsync("dev", "carol", "owner");
        (await RefusalAsync(() => carol.SetRoleAsync("dev", "alice", "member"))).Should().Contain("alice has a role in #dev as high as yours", "only an admin demotes another owner");
        await alice.SetRoleAsync("dev", "alice", "moderator"); // another owner remains

        (await alice.NextRoomChangeAsync()).Role.Should().Be("moderator");
        (await carol.NextRoomChangeAsync()).Role.Should().Be("owner");
        await alice.LeaveAsync("dev");
        await alice.JoinAsync("dev");
        (await alice.RoomsAsync())[1].Role.Should().Be("moderator", "a role is kept apart from the membership: leaving does not drop it");
    }

    [Fact]
    public async Task A_topic_is_set_by_owners_and_every_member_hears_it_with_their_own_role()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.CreateRoomAsync("dev");
        await bob.JoinAsync("dev");

        await alice.SetTopicAsync("dev", "Shipping v2");

        (await alice.NextRoomChangeAsync()).Should().Be(new RoomSummary("dev", null, 0) { Topic = "Shipping v2", Role = "owner" });
        (await bob.NextRoomChangeAsync()).Should().Be(new RoomSummary("dev", null, 0) { Topic = "Shipping v2", Role = "member" });
        carol.RoomChangesSoFar().Should().BeEmpty("carol is not in #dev");
        (await bob.RoomsAsync())[1].Topic.Should().Be("Shipping v2");
        (await carol.ListRoomsAsync()).Should().Equal(new RoomListing("dev", 2) { Topic = "Shipping v2" });
        (await RefusalAsync(() => bob.SetTopicAsync("dev", "mine now"))).Should().EndWith("Only the owners of #dev can set the topic there.");
        (await RefusalAsync(() => alice.SetTopicAsync("nowhere", "x"))).Should().EndWith("There is no room #nowhere.");

        await alice.SetTopicAsync("dev", "");
        (await bob.NextRoomChangeAsync()).Topic.Should().BeNull("an empty topic clears it");
        (await alice.ModerationLogAsync("dev")).Select(entry => (entry.Action, entry.Topic)).Should().Equal(("topic", null), ("topic", "Shipping v2"));
    }

    [Fact]
    public async Task A_kicked_member_leaves_the_room_on_every_connection_at_once_and_may_join_again()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var bobOnPhone = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.CreateRoomAsync("dev");
        await bob.JoinAsync("dev");
        await carol.JoinAsync("dev");
        await alice.SetRoleAsync("dev", "carol", "moderator");

        (await RefusalAsync(() => bob.KickAsync("dev", "carol"))).Should().EndWith("Only the owners and moderators of #dev can kick there.");
        (await RefusalAsync(() => carol.KickAsync("dev", "alice"))).Should().Contain("alice has a role in #dev as high as yours or higher");
        (await RefusalAsync(() => carol.KickAsync("dev", "carol"))).Should().EndWith("You cannot kick yourself; leave #dev instead.");
        (await RefusalAsync(() => carol.KickAsync("dev", "dave"))).Should().EndWith("dave is not in #dev.");
        await carol.KickAsync("dev", "bob");
        var after = (await alice.SendToAsync("dev", "after the kick"))!;
        var marker = (await alice.SendAsync("marker", "alice"))!;

        foreach (var connection in new[] { bob, bobOnPhone })
        {
            await ReachedAsync(connection, "UserLeftRoom dev bob");
            (await connection.NextNoticeAsync()).Should().Be("carol removed you from #dev.");
            (await connection.NextMessageAsync()).Should().Be(marker, "a kicked member's connections are out of the room at once");
        }

        await ReachedAsync(alice, "UserLeftRoom dev bob");
        (await RefusalAsync(() => bob.RoomHistoryAsync("dev"))).Should().EndWith("You are not in #dev; join it first.");
        (await alice.MembersAsync("dev")).Should().Equal("alice", "carol");
        (await bob.JoinAsync("dev")).Role.Should().Be("member", "a kick is not a ban");
        (await bob.RoomHistoryAsync("dev")).Should().Contain(after);
    }

    [Fact]
    public async Task A_ban_keeps_the_user_out_and_uninvitable_until_it_ends_or_is_lifted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ChatApplication(services: services => services.AddSingleton<TimeProvider>(clock));
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.CreateRoomAsync("dev", isPrivate: true);
        await alice.InviteAsync("dev", "bob");
        await bob.NextNoticeAsync();
        await bob.JoinAsync("dev");

        await alice.BanAsync("dev", "bob");

        await ReachedAsync(bob, "UserLeftRoom dev bob");
        (await bob.NextNoticeAsync()).Should().Be("alice banned you from #dev until it is lifted.");
        (await RefusalAsync(() => bob.JoinAsync("dev"))).Should().EndWith("You are banned from #dev; you cannot join it.");
        (await RefusalAsync(() => alice.InviteAsync("dev", "bob"))).Should().EndWith("bob is banned from #dev; unban them before inviting them.");
        (await RefusalAsync(() => alice.BanAsync("dev", "alice"))).Should().EndWith("You cannot ban yourself.");
        (await RefusalAsync(() => alice.BanAsync("dev", "bob", 0))).Should().Contain("A ban lasts 1 to 525600 minutes (a year), or null for until lifted; 0 is out of range.");
        (await RefusalAsync(() => alice.BanAsync("dev", "bob", 525_601))).Should().Contain("525601 is out of range");

        await alice.UnbanAsync("dev", "bob");
        await alice.UnbanAsync("dev", "bob"); // nothing to lift: no entry
        await alice.InviteAsync("dev", "bob");
        await bob.JoinAsync("dev");

        // A ban for a while: out until it ends, then the invite is needed again as for anyone.
        await alice.BanAsync("dev", "bob", 60);
        clock.Advance(TimeSpan.FromMinutes(59));
        (await RefusalAsync(() => bob.JoinAsync("dev"))).Should().Contain("banned");
        clock.Advance(TimeSpan.FromMinutes(2));
        (await RefusalAsync(() => bob.JoinAsync("dev"))).Should().Contain("is private", "the ban ended; the ban took the old invite");
        await alice.InviteAsync("dev", "bob");
        await bob.JoinAsync("dev");

        var log = await alice.ModerationLogAsync("dev");
        log.Select(entry => entry.Action).Should().Equal("invite", "ban", "invite", "unban", "ban", "invite");
        log[1].Until.Should().BeCloseTo(log[1].At.AddMinutes(60), TimeSpan.FromSeconds(1));
        log[4].Until.Should().BeNull("until lifted");
    }

    [Fact]
    public async Task A_muted_member_cannot_post_edit_or_react_until_the_mute_ends_or_is_lifted()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ChatApplication(services: services => services.AddSingleton<TimeProvider>(clock));
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.CreateRoomAsync("dev");
        await bob.JoinAsync("dev");
        var own = (await bob.SendToAsync("dev", "before the mute"))!;
        var others = (await alice.SendToAsync("dev", "alice's"))!;
        await ReachedAsync(alice, "UserJoinedRoom dev bob");

        await alice.MuteAsync("dev", "bob", 10);

        (await bob.NextNoticeAsync()).Should().Match("alice muted you in #dev until * UTC: you cannot post, edit or react there until then.");
        const string Muted = "You are muted in #dev until";
        (await RefusalAsync(() => bob.SendToAsync("dev", "spam"))).Should().Contain(Muted);
        (await RefusalAsync(() => bob.PostAsync("dev", "spam", replyTo: others.Id))).Should().Contain(Muted);
        (await RefusalAsync(() => bob.EditAsync("dev", own.Id, "spam"))).Should().Contain(Muted);
        (await RefusalAsync(() => bob.ReactAsync("dev", others.Id, "👍"))).Should().Contain(Muted);
        (await RefusalAsync(() => bob.UnreactAsync("dev", others.Id, "👍"))).Should().Contain(Muted);
        await bob.TypingAsync("dev");
        await bob.SendToAsync("@alice", "a direct message is not the room");
        await bob.SendAsync("general is not the room", "bob");
        (await bob.RoomHistoryAsync("dev")).Should().HaveCount(2, "a muted member still reads");
        (await RefusalAsync(() => bob.MuteAsync("dev", "alice"))).Should().EndWith("Only the owners and moderators of #dev can mute there.");

        clock.Advance(TimeSpan.FromMinutes(11));
        await bob.SendToAsync("dev", "the mute ended");
        await alice.MuteAsync("dev", "bob"); // until lifted
        (await RefusalAsync(() => bob.SendToAsync("dev", "spam"))).Should().Contain("You are muted in #dev until it is lifted");
        await alice.MuteAsync("dev", "bob", 0);
        await bob.SendToAsync("dev", "lifted");

        alice.RoomEventsSoFar().Should().NotContain("UserTyping dev bob", "a muted member's typing is not passed on");
        (await alice.ModerationLogAsync("dev")).Select(entry => (entry.Action, entry.Until is null)).Should().Equal(("mute", false), ("mute", true), ("mute", false));
    }

    [Fact]
    public async Task Moderators_delete_anyones_message_members_only_their_own_and_each_delete_of_anothers_is_logged()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.CreateRoomAsync("dev");
        await bob.JoinAsync("dev");
        await carol.JoinAsync("dev");
        await alice.SetRoleAsync("dev", "carol", "moderator");
        var spam = (await bob.SendToAsync("dev", "buy now"))!;
        var owners = (await alice.SendToAsync("dev", "the owner's"))!;
        var own = (await bob.SendToAsync("dev", "mine"))!;

        (await RefusalAsync(() => bob.DeleteAsync("dev", owners.Id))).Should().EndWith(
            $"Message {owners.Id} is alice's; you can delete only your own messages (admins and the room's moderators can delete any).");
        await carol.DeleteAsync("dev", spam.Id);
        await bob.DeleteAsync("dev", own.Id);

        (await bob.RoomHistoryAsync("dev")).Should().ContainSingle(message => message.Id == spam.Id).Which.Deleted.Should().BeTrue();
        var log = await alice.ModerationLogAsync("dev");
        log.Should().HaveCount(2, "the role and the moderator's delete; bob's delete of his own is no moderation");
        log[0].Should().BeEquivalentTo(new { Action = "delete", Actor = "carol", Target = "bob", MessageId = spam.Id, Room = "dev" });
    }

    [Fact]
    public async Task The_moderation_log_is_for_owners_and_moderators_newest_first_in_pages()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.CreateRoomAsync("dev");
        await bob.JoinAsync("dev");
        for (var i = 0; i < 5; i++)
        {
            await alice.SetTopicAsync("dev", $"topic {i}");
        }

        var newest = await alice.ModerationLogAsync("dev", limit: 2);
        var older = await alice.ModerationLogAsync("dev", beforeId: newest[^1].Id, limit: 2);
        var oldest = await alice.ModerationLogAsync("dev", beforeId: older[^1].Id, limit: 2);

        newest.Select(entry => entry.Topic).Should().Equal("topic 4", "topic 3");
        older.Select(entry => entry.Topic).Should().Equal("topic 2", "topic 1");
        oldest.Select(entry => entry.Topic).Should().Equal("topic 0");
        newest[0].Should().BeEquivalentTo(new { Room = "dev", Actor = "alice", Action = "topic", Target = (string?)null, Until = (DateTime?)null });
        (await RefusalAsync(() => bob.ModerationLogAsync("dev"))).Should().EndWith("Only the owners and moderators of #dev can read its moderation log.");
        (await RefusalAsync(() => alice.ModerationLogAsync("dev", limit: 101))).Should().EndWith("The moderation log limit 101 is out of range; ask for 1 to 100 entries.");
        (await RefusalAsync(() => alice.ModerationLogAsync("general"))).Should().Contain("#general is everyone's");
    }

    [Fact]
    public async Task An_admin_is_an_owner_of_every_room_and_sees_and_enters_private_ones()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = AuthTests.Key });
        await using var alice = await app.ConnectAsync(user: null, token: Token("alice"));
        await using var root = await app.ConnectAsync(user: null, token: Token("root", admin: true));
        await alice.CreateRoomAsync("plans", isPrivate: true);

        (await root.ListRoomsAsync()).Select(room => room.Room).Should().Equal("plans");
        (await root.JoinAsync("plans")).Role.Should().Be("owner");
        (await root.RoomsAsync()).Select(summary => summary.Role).Should().Equal("owner", "owner");
        await root.SetRoleAsync("plans", "alice", "member");
        await root.KickAsync("plans", "alice");

        (await alice.RoomsAsync()).Should().ContainSingle("alice is out of #plans");
        (await root.ModerationLogAsync("plans")).Select(entry => entry.Action).Should().Equal("kick", "role");
    }

    [Fact]
    public async Task Guests_and_bad_input_get_clear_refusals()
    {
        await using var app = new ChatApplication();
        await using var guest = await app.ConnectAsync(user: null);
        await using var alice = await app.ConnectAsync("alice");
        await alice.CreateRoomAsync("dev");

        (await RefusalAsync(() => guest.CreateRoomAsync("mine"))).Should().Contain("name");
        (await RefusalAsync(() => guest.KickAsync("dev", "alice"))).Should().Contain("name");
        (await RefusalAsync(() => alice.KickAsync("dev", ""))).Should().Contain("name");
        (await RefusalAsync(() => alice.MuteAsync("dev", "bob", -1))).Should().Contain("A mute lasts 1 to 525600 minutes (a year), or null for until lifted; 0 lifts it; -1 is out of range.");
        (await RefusalAsync(() => alice.InviteAsync("@bob", "carol"))).Should().Contain("Direct conversations have no roles or moderation");
        (await alice.SendToAsync("dev", "still fine")).Should().NotBeNull("every refusal left the connection usable");
    }
}
