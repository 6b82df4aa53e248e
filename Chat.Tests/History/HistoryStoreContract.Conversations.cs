using Chat.Server.History;
using Chat.Server.Rooms;

namespace Chat.Tests.History;

/// <summary>The contract's rooms, direct conversations, read markers and missed messages.</summary>
public abstract partial class HistoryStoreContract
{
    private static readonly string AliceAndBob = Conversation.Direct("bob", "alice");

    [SkippableFact]
    public async Task A_direct_message_makes_both_users_members_with_nothing_read()
    {
        var store = await OpenAsync();

        var sent = await AppendAsync(store, [new NewMessage(AliceAndBob, "alice", "psst")]);

        (await store.ConversationsOfAsync("alice", default)).Should().Equal(AliceAndBob);
        (await store.ConversationsOfAsync("bob", default)).Should().Equal(AliceAndBob);
        (await store.MembersAsync(AliceAndBob, default)).Should().Equal("alice", "bob");
        (await store.SummariesAsync("bob", default)).Should().Equal(new RoomSummary("general", null, 0) { Role = "member" }, new RoomSummary(AliceAndBob, sent[0].Id, 1));
        (await store.SummariesAsync("alice", default)).Should().Equal(new RoomSummary("general", null, 0) { Role = "member" }, new RoomSummary(AliceAndBob, sent[0].Id, 0));
        (await store.ListRoomsAsync(null, default)).Should().BeEmpty("direct conversations are not rooms");
    }

    [SkippableFact]
    public async Task Join_creates_the_room_and_counts_what_was_said_before_as_read()
    {
        // Arrange
        var store = await OpenAsync();
        (await store.JoinAsync("alice", "dev", Limits(10, 10), default)).Should().Be(JoinOutcome.Joined);
        await AppendAsync(store, [new NewMessage("dev", "carol", "one"), new NewMessage("dev", "carol", "two")]);

        // Act
        var joined = await store.JoinAsync("bob", "dev", Limits(10, 10), default);
        var after = await AppendAsync(store, [new NewMessage("dev", "carol", "three")]);

        // Assert
        joined.Should().Be(JoinOutcome.Joined);
        (await store.JoinAsync("bob", "dev", Limits(10, 10), default)).Should().Be(JoinOutcome.AlreadyMember);
        (await store.SummariesAsync("bob", default)).Should().Equal(new RoomSummary("general", null, 0) { Role = "member" }, new RoomSummary("dev", after[0].Id, 1) { Role = "member" });
        (await store.SummariesAsync("alice", default)).Should().Equal([new RoomSummary("general", null, 0) { Role = "member" }, new RoomSummary("dev", after[0].Id, 3) { Role = "owner" }], "alice joined before anything was said");
        (await store.MembersAsync("dev", default)).Should().Equal("alice", "bob");
        (await store.ListRoomsAsync(null, default)).Should().Equal(new RoomListing("dev", 2));
    }

    [SkippableFact]
    public async Task Join_refuses_past_the_limits_and_changes_nothing()
    {
        var store = await OpenAsync();
        await store.JoinAsync("alice", "a", Limits(2, 3), default);
        await store.JoinAsync("alice", "b", Limits(2, 3), default);
        await AppendAsync(store, [new NewMessage(AliceAndBob, "bob", "direct ones do not count")]);
        await store.MarkReadAsync([new ReadMark("alice", "general", 0)], default);

        (await store.JoinAsync("alice", "c", Limits(2, 3), default)).Should().Be(JoinOutcome.TooManyForUser);
        (await store.JoinAsync("alice", "a", Limits(2, 3), default)).Should().Be(JoinOutcome.AlreadyMember);
        (await store.JoinAsync("bob", "c", Limits(2, 3), default)).Should().Be(JoinOutcome.Joined);
        (await store.JoinAsync("bob", "d", Limits(2, 3), default)).Should().Be(JoinOutcome.TooManyRooms);
        (await store.JoinAsync("carol", "a", Limits(2, 3), default)).Should().Be(JoinOutcome.Joined, "a room that exists is no new room");

        (await store.ListRoomsAsync(null, default)).Should().Equal(new RoomListing("a", 2), new RoomListing("b", 1), new RoomListing("c", 1));
        (await store.ConversationsOfAsync("alice", default)).Should().BeEquivalentTo("a", "b", AliceAndBob);
        (await store.ConversationsOfAsync("bob", default)).Should().BeEquivalentTo("c", AliceAndBob);
    }

    [SkippableFact]
    public async Task Leave_ends_a_membership_and_the_room_stays()
    {
        var store = await OpenAsync();
        await store.JoinAsync("alice", "dev", Limits(10, 10), default);
        await store.JoinAsync("bob", "dev", Limits(10, 10), default);

        (await store.LeaveAsync("alice", "dev", Now, default)).Should().BeTrue();
        (await store.LeaveAsync("alice", "dev", Now, default)).Should().BeFalse();
        (await store.LeaveAsync("carol", "ops", Now, default)).Should().BeFalse();

        (await store.MembersAsync("dev", default)).Should().Equal("bob");
        (await store.ConversationsOfAsync("alice", default)).Should().BeEmpty();
        (await store.ListRoomsAsync(null, default)).Should().Equal(new RoomListing("dev", 1));
        (await store.LeaveAsync("bob", "dev", Now, default)).Should().BeTrue();
        (await store.ListRoomsAsync(null, default)).Should().Equal(new RoomListing("dev", 0));
    }

    [SkippableFact]
    public async Task Members_and_rooms_come_in_ordinal_order()
    {
        var store = await OpenAsync();
        foreach (var user in (string[])["bob", "Émile", "alice", "Alice", "_x", "Zoe"])
        {
            await store.JoinAsync(user, "b-room", Limits(10, 10), default);
        }

        foreach (var room in (string[])["a_room", "a-room", "a0"])
        {
            await store.JoinAsync("alice", room, Limits(10, 10), default);
        }

        (await store.MembersAsync("b-room", default)).Should().Equal("Alice", "Zoe", "_x", "alice", "bob", "Émile");
        (await store.ListRoomsAsync(null, default)).Select(r => r.Room).Should().Equal("a-room", "a0", "a_room", "b-room");
    }

    [SkippableFact]
    public async Task Read_markers_move_forward_only_and_no_further_than_the_newest_message()
    {
        var store = await OpenAsync();
        var general = await AppendAsync(store, Messages("1", "2", "3"));
        await store.JoinAsync("bob", "dev", Limits(10, 10), default);
        var dev = await AppendAsync(store, In("dev", "d"));

        var markers = await store.MarkReadAsync(
            [
                new ReadMark("bob", "general", general[1].Id),
                new ReadMark("bob", "general", general[0].Id),
                new ReadMark("bob", "dev", long.MaxValue),
                new ReadMark("bob", AliceAndBob, 5),
                new ReadMark("bob", "ops", 5),
            ],
            default);

        markers.Should().Equal(general[1].Id, general[1].Id, dev[0].Id, 0, 0);
        (await store.MarkReadAsync([new ReadMark("bob", "general", long.MaxValue)], default)).Should().Equal(general[2].Id);
        (await store.ConversationsOfAsync("bob", default)).Should().Equal(["dev"], "reading creates no direct conversation and no room membership");
    }

    [SkippableFact]
    public async Task Unread_counts_messages_by_others_after_the_marker_and_none_in_general_before_a_first_marker()
    {
        // Arrange
        var store = await OpenAsync();
        var first = await AppendAsync(store, [new NewMessage("general", "alice", "a1"), new NewMessage("general", "bob", "own")]);
        var rest = await AppendAsync(store, [new NewMessage("general", "alice", "a2"), new NewMessage("general", "bob", "own too"), new NewMessage("general", "carol", "c")]);
        var unmarked = await store.SummariesAsync("bob", default);

        // Act
        await store.MarkReadAsync([new ReadMark("bob", "general", first[0].Id)], default);

        // Assert
        unmarked.Should().Equal(new RoomSummary("general", rest[^1].Id, 0) { Role = "member" });
        (await store.SummariesAsync("bob", default)).Should().Equal(new RoomSummary("general", rest[^1].Id, 2) { Role = "member" });
        (await store.SummariesAsync("nobody", default)).Should().Equal(new RoomSummary("general", rest[^1].Id, 0) { Role = "member" });
    }

    [SkippableFact]
    public async Task A_user_who_connects_for_the_first_time_has_read_general_so_far_and_what_comes_after_is_unread()
    {
        // Arrange: dora connects while general is empty, erin once it holds two messages.
        var store = await OpenAsync();
        await store.RememberUserAsync("dora", default);
        var held = await AppendAsync(store, Messages("one", "two"));
        await store.RememberUserAsync("erin", default);

        // Act
        var later = await AppendAsync(store, Messages("three"));
        await store.RememberUserAsync("erin", default);

        // Assert: what came while they were away is unread (it was none without a marker); what was there before, is not.
        (await store.SummariesAsync("dora", default)).Should().Equal(new RoomSummary("general", later[0].Id, 3) { Role = "member" });
        (await store.SummariesAsync("erin", default)).Should().Equal(new RoomSummary("general", later[0].Id, 1) { Role = "member" });
        held.Should().HaveCount(2);
    }

    [SkippableFact]
    public async Task Missed_messages_are_those_of_general_and_the_users_conversations_in_id_order()
    {
        // Arrange: alice is in dev and talks with bob; ops and bob's talk with carol are not hers
        var store = await OpenAsync();
        await store.JoinAsync("alice", "dev", Limits(10, 10), default);
        var start = await store.LastIdAsync(default);
        var stored = await AppendAsync(store, [
            new NewMessage("general", "bob", "g1"),
            new NewMessage("ops", "bob", "not hers"),
            new NewMessage("dev", "bob", "d1"),
            new NewMessage(Conversation.Direct("bob", "carol"), "bob", "not hers either"),
            new NewMessage(AliceAndBob, "bob", "to alice"),
            new NewMessage("general", "carol", "g2"),
            new NewMessage("dev", "carol", "d2"),
        ]);
        var hers = stored.Where(m => !m.Text.StartsWith("not hers", StringComparison.Ordinal)).ToArray();

        // Act / Assert
        (await MissedAsync(store, "alice", start, 100)).Should().Equal(hers);
        (await MissedAsync(store, "alice", start, 2)).Should().Equal(hers[..2]);
        (await MissedAsync(store, "alice", hers[1].Id, 2)).Should().Equal(hers[2..4]);
        (await MissedAsync(store, "alice", null, 3)).Should().Equal(hers[^3..], "without an id: the latest, oldest first");
        (await MissedAsync(store, "carol", start, 100)).Select(m => m.Text).Should().Equal("g1", "not hers either", "g2");
    }

    [SkippableFact]
    public async Task Missed_messages_of_many_conversations_merge_exactly_page_by_page()
    {
        // Arrange: 40 conversations, messages spread over them at random
        var store = await OpenAsync();
        var random = new Random(7);
        var rooms = Enumerable.Range(0, 40).Select(i => $"r{i}").ToArray();
        var stored = new List<ChatMessage>();
        for (var batch = 0; batch < 30; batch++)
        {
            stored.AddRange(await AppendAsync(store, [.. Enumerable.Range(0, 10).Select(i => new NewMessage(rooms[random.Next(rooms.Length)], "bob", $"{batch}.{i}"))]));
        }

        var mine = rooms.Where((_, i) => i % 3 != 0).ToArray();
        var expected = stored.Where(m => mine.Contains(m.Room)).ToList();

        // Act: page through from the start, with odd page sizes, and ask for the latest
        var paged = new List<ChatMessage>();
        long after = 0;
        while (await store.GetMissedAsync(mine, after, 7, default) is { Length: > 0 } page)
        {
            paged.AddRange(page);
            after = page[^1].Id;
        }

        // Assert
        paged.Should().Equal(expected);
        (await store.GetMissedAsync(mine, null, 13, default)).Should().Equal(expected[^13..]);
        (await store.GetMissedAsync(mine, expected[^1].Id, 10, default)).Should().BeEmpty();
        (await store.GetMissedAsync([], 0, 10, default)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Join_refuses_a_new_room_past_the_users_daily_creations()
    {
        var store = await OpenAsync();
        await store.JoinAsync("alice", "a", Limits(10, 10, createPerDay: 2, at: Now.AddHours(-30)), default);
        await store.JoinAsync("alice", "b", Limits(10, 10, createPerDay: 2), default);
        await store.JoinAsync("alice", "c", Limits(10, 10, createPerDay: 2), default);

        (await store.JoinAsync("alice", "d", Limits(10, 10, createPerDay: 2), default)).Should().Be(JoinOutcome.TooManyCreated);
        (await store.JoinAsync("bob", "d", Limits(10, 10, createPerDay: 2), default)).Should().Be(JoinOutcome.Joined, "bob has created none");
        (await store.JoinAsync("alice", "d", Limits(10, 10, createPerDay: 2), default)).Should().Be(JoinOutcome.Joined, "joining a room that exists creates none");
        (await store.JoinAsync("alice", "e", Limits(10, 10, createPerDay: 2, at: Now.AddHours(25)), default)).Should().Be(JoinOutcome.Joined, "a day later");
    }

    [SkippableFact]
    public async Task A_room_without_members_long_enough_is_removed_with_its_messages()
    {
        // Arrange: dev emptied a day ago, ops a week ago, qa still has a member
        var store = await OpenAsync();
        foreach (var room in (string[])["dev", "ops", "qa"])
        {
            await store.JoinAsync("alice", room, Limits(10, 10), default);
            await AppendAsync(store, In(room, $"in {room}"));
        }

        await store.LeaveAsync("alice", "ops", Now.AddDays(-7), default);
        await store.LeaveAsync("alice", "dev", Now.AddDays(-1), default);

        // Act
        var removed = await store.RemoveEmptyRoomsAsync(Now.AddDays(-3), default);

        // Assert
        removed.Should().Equal("ops");
        (await store.ListRoomsAsync(null, default)).Should().Equal(new RoomListing("dev", 0), new RoomListing("qa", 1));
        (await store.GetAsync("ops", null, 10, default)).Should().BeEmpty();
        (await store.GetAsync("dev", null, 10, default)).Should().ContainSingle();
        (await store.JoinAsync("bob", "dev", Limits(10, 2), default)).Should().Be(JoinOutcome.Joined);
        (await store.LeaveAsync("bob", "dev", Now, default)).Should().BeTrue();
        (await store.RemoveEmptyRoomsAsync(Now.AddMinutes(-1), default)).Should().BeEmpty("dev was joined since: it is empty only from now on");
        (await store.JoinAsync("bob", "new", Limits(10, 3), default)).Should().Be(JoinOutcome.Joined, "ops left room for another");
    }

    [SkippableFact]
    public async Task A_summary_of_one_conversation_and_who_belongs_where()
    {
        var store = await OpenAsync();
        await store.JoinAsync("alice", "dev", Limits(10, 10), default);
        var dev = await AppendAsync(store, [new NewMessage("dev", "bob", "one"), new NewMessage("dev", "alice", "own")]);
        await AppendAsync(store, [new NewMessage(AliceAndBob, "bob", "hi"), new NewMessage(Conversation.Direct("alice", "alice"), "alice", "note")]);

        (await store.SummaryAsync("alice", "dev", default)).Should().Be(new RoomSummary("dev", dev[1].Id, 1) { Role = "owner" });
        (await store.SummaryAsync("carol", "dev", default)).Should().BeNull();
        (await store.IsMemberAsync("alice", AliceAndBob, default)).Should().BeTrue();
        (await store.IsMemberAsync("carol", AliceAndBob, default)).Should().BeFalse();
        (await store.DirectCountAsync("alice", default)).Should().Be(2, "a conversation with bob, and notes to herself");
        (await store.DirectCountAsync("carol", default)).Should().Be(0);
    }

    [SkippableFact]
    public async Task Unread_follows_others_messages_own_messages_markers_anywhere_clears_and_retention()
    {
        // Arrange: bob in dev; carol and bob talk
        var store = await OpenAsync(maxMessages: 6);
        await store.JoinAsync("bob", "dev", Limits(10, 10), default);
        var first = await AppendAsync(store, [new NewMessage("dev", "carol", "c1"), new NewMessage("dev", "bob", "b1"), new NewMessage("dev", "carol", "c2")]);
        var unreadAfterFirst = (await store.SummaryAsync("bob", "dev", default))!.Unread;

        // Act: bob reads up to his own message, in the middle; then more comes; then far past retention
        await store.MarkReadAsync([new ReadMark("bob", "dev", first[1].Id)], default);
        var afterMiddle = (await store.SummaryAsync("bob", "dev", default))!.Unread;
        await AppendAsync(store, [new NewMessage("dev", "bob", "b2"), new NewMessage("dev", "carol", "c3")]);
        var afterMore = (await store.SummaryAsync("bob", "dev", default))!.Unread;
        for (var i = 0; i < 10; i++)
        {
            await AppendAsync(store, [new NewMessage("dev", "carol", $"flood {i}")]);
        }

        var afterRetention = (await store.SummaryAsync("bob", "dev", default))!.Unread;
        await store.ClearAsync("dev", default);
        var afterClear = await store.SummaryAsync("bob", "dev", default);
        var next = await AppendAsync(store, [new NewMessage("dev", "carol", "after the clear")]);

        // Assert
        unreadAfterFirst.Should().Be(2, "carol's two; his own is not unread");
        afterMiddle.Should().Be(1, "c2 follows his marker");
        afterMore.Should().Be(2, "c2 and c3; b2 is his own");
        afterRetention.Should().BeLessThanOrEqualTo(6, "no more than are kept").And.BeGreaterThan(0);
        afterClear.Should().Be(new RoomSummary("dev", null, 0) { Role = "owner" }, "a cleared conversation has nothing to read");
        (await store.SummaryAsync("bob", "dev", default)).Should().Be(new RoomSummary("dev", next[0].Id, 1) { Role = "owner" });
        (await store.SummariesAsync("bob", default))[1].Should().Be(new RoomSummary("dev", next[0].Id, 1) { Role = "owner" });
    }

    /// <summary>What <paramref name="user"/> missed, as the hub asks for it: general and the user's conversations.</summary>
    private static async Task<ChatMessage[]> MissedAsync(IHistoryStore store, string user, long? afterId, int limit) =>
        await store.GetMissedAsync([Conversation.General, .. await store.ConversationsOfAsync(user, default)], afterId, limit, default);

    /// <summary>Join limits at <see cref="Now"/> (or <paramref name="at"/>); room creations per day unlimited unless given.</summary>
    private static JoinLimits Limits(int maxPerUser, int maxRooms, int createPerDay = 1000, DateTime? at = null) =>
        new(maxPerUser, maxRooms, createPerDay, at ?? Now);
}
