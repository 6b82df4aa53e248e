using Chat.Server.History;

namespace Chat.Tests.History;

/// <summary>SPEC section 15 in the store: privacy, roles, invites, bans, mutes and the moderation log, decided inside each act's transaction.</summary>
public abstract partial class HistoryStoreContract
{
    private static readonly JoinLimits RoomLimits = new(100, 100, 100, Now);

    private static ModerationAct Act(ModerationAction action, string actor, string? target = null, DateTime? until = null, string? role = null, string? topic = null) =>
        new(action, "dev", actor, ActorIsAdmin: false, Now, target, until, role, topic);

    [SkippableFact]
    public async Task A_created_room_keeps_its_privacy_topic_and_owner_and_private_rooms_are_listed_to_members_and_the_invited()
    {
        var store = await OpenAsync();

        (await store.JoinAsync("alice", "dev", RoomLimits with { Create = new RoomSettings(true, "plans") }, default)).Should().Be(JoinOutcome.Joined);
        (await store.JoinAsync("bob", "dev", RoomLimits with { Create = new RoomSettings() }, default)).Should().Be(JoinOutcome.RoomExists);
        (await store.JoinAsync("bob", "dev", RoomLimits, default)).Should().Be(JoinOutcome.NotInvited);
        (await store.JoinAsync("root", "dev", RoomLimits with { MayEnterPrivate = true }, default)).Should().Be(JoinOutcome.Joined);
        (await store.JoinAsync("alice", "open", RoomLimits, default)).Should().Be(JoinOutcome.Joined);

        var rules = (await store.RoomRulesAsync("dev", default))!;
        rules.Private.Should().BeTrue();
        rules.Topic.Should().Be("plans");
        rules.Roles.Should().Equal(new Dictionary<string, string> { ["alice"] = "owner" });
        (await store.RoomRulesAsync("nowhere", default)).Should().BeNull();
        (await store.SummaryAsync("alice", "dev", default)).Should().Be(new RoomSummary("dev", null, 0) { Private = true, Topic = "plans", Role = "owner" });
        (await store.ListRoomsAsync("bob", default)).Select(room => room.Room).Should().Equal("open");
        (await store.ListRoomsAsync("root", default)).Select(room => room.Room).Should().Equal("dev", "open");
        (await store.ListRoomsAsync(null, default)).Should().Equal(new RoomListing("dev", 2) { Private = true, Topic = "plans" }, new RoomListing("open", 1));

        (await store.ModerateAsync(Act(ModerationAction.Invite, "alice", "bob"), default)).Outcome.Should().Be(ModerationOutcome.Done);
        (await store.ListRoomsAsync("bob", default)).Select(room => room.Room).Should().Equal("dev", "open");
        (await store.JoinAsync("bob", "dev", RoomLimits, default)).Should().Be(JoinOutcome.Joined);
        await store.LeaveAsync("bob", "dev", Now, default);
        (await store.JoinAsync("bob", "dev", RoomLimits, default)).Should().Be(JoinOutcome.NotInvited, "the join used the invite");
    }

    [SkippableFact]
    public async Task Each_act_is_decided_against_the_room_as_stored_and_logged_when_done()
    {
        var store = await OpenAsync();
        await store.JoinAsync("alice", "dev", RoomLimits, default);
        await store.JoinAsync("bob", "dev", RoomLimits, default);
        await store.JoinAsync("carol", "dev", RoomLimits, default);

        (await store.ModerateAsync(Act(ModerationAction.Kick, "bob", "carol"), default)).Outcome.Should().Be(ModerationOutcome.NotAllowed);
        (await store.ModerateAsync(Act(ModerationAction.Role, "alice", "bob", role: "moderator"), default)).Outcome.Should().Be(ModerationOutcome.Done);
        (await store.ModerateAsync(Act(ModerationAction.Role, "alice", "bob", role: "moderator"), default)).Outcome.Should().Be(ModerationOutcome.Unchanged);
        (await store.ModerateAsync(Act(ModerationAction.Kick, "bob", "alice"), default)).Outcome.Should().Be(ModerationOutcome.Outranked);
        (await store.ModerateAsync(Act(ModerationAction.Role, "alice", "alice", role: "member"), default)).Outcome.Should().Be(ModerationOutcome.LastOwner);
        (await store.ModerateAsync(Act(ModerationAction.Topic, "bob", topic: "x"), default)).Outcome.Should().Be(ModerationOutcome.NotAllowed);
        (await store.ModerateAsync(Act(ModerationAction.Mute, "bob", "carol", until: Now.AddMinutes(5)), default)).Outcome.Should().Be(ModerationOutcome.Done);
        (await store.ModerateAsync(Act(ModerationAction.Kick, "bob", "carol"), default)).Outcome.Should().Be(ModerationOutcome.Done);
        (await store.ModerateAsync(Act(ModerationAction.Kick, "bob", "carol"), default)).Outcome.Should().Be(ModerationOutcome.NotMember);
        (await store.ModerateAsync(Act(ModerationAction.Ban, "bob", "carol", until: ModerationRules.Forever), default)).Outcome.Should().Be(ModerationOutcome.Done);
        (await store.ModerateAsync(Act(ModerationAction.Invite, "bob", "carol"), default)).Outcome.Should().Be(ModerationOutcome.TargetBanned);
        (await store.JoinAsync("carol", "dev", RoomLimits, default)).Should().Be(JoinOutcome.Banned);
        (await store.ModerateAsync(Act(ModerationAction.Unban, "bob", "carol"), default)).Outcome.Should().Be(ModerationOutcome.Done);
        (await store.ModerateAsync(Act(ModerationAction.Unban, "bob", "carol"), default)).Outcome.Should().Be(ModerationOutcome.Unchanged);
        (await store.ModerateAsync(Act(ModerationAction.Topic, "nobody", topic: "x") with { Room = "nowhere" }, default)).Outcome.Should().Be(ModerationOutcome.NoRoom);

        (await store.MembersAsync("dev", default)).Should().Equal("alice", "bob");
        var rules = (await store.RoomRulesAsync("dev", default))!;
        rules.Roles.Should().Equal(new Dictionary<string, string> { ["alice"] = "owner", ["bob"] = "moderator" });
        rules.MutedUntil("carol", Now).Should().Be(Now.AddMinutes(5));
        rules.BannedUntil("carol", Now).Should().BeNull("the ban was lifted");
        var log = await store.ModerationLogAsync("dev", null, 100, default);
        log.Select(entry => (entry.Action, entry.Actor, entry.Target)).Should().Equal(
            ("unban", "bob", "carol"), ("ban", "bob", "carol"), ("kick", "bob", "carol"), ("mute", "bob", "carol"), ("role", "alice", "bob"));
        log[1].Until.Should().BeNull("until lifted");
        log[3].Until.Should().Be(Now.AddMinutes(5));
        log[4].Role.Should().Be("moderator");
        log.Select(entry => entry.Id).Should().BeInDescendingOrder();
        (await store.ModerationLogAsync("dev", log[1].Id, 2, default)).Select(entry => entry.Action).Should().Equal("kick", "mute");
    }

    [SkippableFact]
    public async Task A_moderators_delete_of_anothers_message_is_logged_in_its_commit_and_a_removed_room_takes_its_rules_and_log()
    {
        var store = await OpenAsync();
        await store.JoinAsync("alice", "dev", RoomLimits, default);
        await store.JoinAsync("bob", "dev", RoomLimits, default);
        var sent = await AppendAsync(store, [new NewMessage("dev", "bob", "spam"), new NewMessage("dev", "bob", "own")]);

        var committed = await store.CommitAsync(
            [], [new MessageChange(ChangeKind.Delete, "dev", sent[0].Id, "alice", MayDeleteAny: true), new MessageChange(ChangeKind.Delete, "dev", sent[1].Id, "bob")], Now, default);

        committed.Changes.Select(change => change.Outcome).Should().Equal(ChangeOutcome.Changed, ChangeOutcome.Changed);
        var log = await store.ModerationLogAsync("dev", null, 10, default);
        log.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Action = "delete", Actor = "alice", Target = "bob", MessageId = sent[0].Id, At = Now });

        await store.LeaveAsync("alice", "dev", Now, default);
        await store.LeaveAsync("bob", "dev", Now, default);
        (await store.RemoveEmptyRoomsAsync(Now.AddSeconds(1), default)).Should().Equal("dev");
        (await store.ModerationLogAsync("dev", null, 10, default)).Should().BeEmpty();
        (await store.JoinAsync("carol", "dev", RoomLimits, default)).Should().Be(JoinOutcome.Joined);
        (await store.RoomRulesAsync("dev", default))!.Roles.Should().Equal(new Dictionary<string, string> { ["carol"] = "owner" }, "the room starts afresh");
    }
}

/// <summary>Bots and their messages in the store (SPEC section 15).</summary>
public abstract partial class HistoryStoreContract
{
    [SkippableFact]
    public async Task Bots_are_found_by_their_tokens_hash_until_revoked_and_their_messages_say_so_everywhere()
    {
        var store = await OpenAsync();

        (await store.AddBotAsync("helper", "hash-1", ["messages:write", "rooms:manage"], Now, default)).Should().BeTrue();
        (await store.AddBotAsync("helper", "hash-2", ["messages:read"], Now, default)).Should().BeFalse("the name is taken");
        (await store.BotByTokenAsync("hash-1", default)).Should().BeEquivalentTo(new Chat.Server.Api.Bot("helper", ["messages:write", "rooms:manage"], false));
        (await store.BotByTokenAsync("hash-2", default)).Should().BeNull();
        var sent = await AppendAsync(store, [new NewMessage("general", "helper", "from a bot", Bot: true), new NewMessage("general", "alice", "from a person")]);
        (await store.RevokeBotAsync("helper", Now, default)).Should().BeTrue();
        (await store.RevokeBotAsync("helper", Now, default)).Should().BeFalse("revoked already");

        (await store.BotByTokenAsync("hash-1", default))!.Revoked.Should().BeTrue();
        (await store.BotsAsync(default)).Select(bot => (bot.Name, bot.Revoked)).Should().Equal(("helper", true));
        sent.Select(message => message.Bot).Should().Equal(true, false);
        (await store.GetAsync("general", null, 10, default)).Select(message => message.Bot).Should().Equal(true, false);
        (await store.GetMissedAsync(["general"], 0, 10, default)).Select(message => message.Bot).Should().Equal(true, false);
        (await store.GetAllAsync(0, 10, default)).Select(message => message.Bot).Should().Equal(true, false);
        var changed = await store.CommitAsync([], [new MessageChange(ChangeKind.Edit, "general", sent[0].Id, "helper", Text: "edited by a bot")], Now, default);
        changed.Changes[0].Message!.Bot.Should().BeTrue("a change keeps who wrote it");
    }
}
