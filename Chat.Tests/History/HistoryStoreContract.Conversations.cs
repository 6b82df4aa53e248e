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
        (await store.SummariesAsync("bob", default)).Should().Equal(new RoomSummary("general", null, 0), new RoomSummary(AliceAndBob, sent[0].Id, 1));
        (await store.SummariesAsync("alice", default)).Should().Equal(new RoomSummary("general", null, 0), new RoomSummary(AliceAndBob, sent[0].Id, 0));
        (await store.ListRoomsAsync(default)).Should().BeEmpty("direct conversations are not rooms");
    }

    [SkippableFact]
    public async Task Join_creates_the_room_and_counts_what_was_said_before_as_read()
    {
        // Arrange
        var store = await OpenAsync();
        (await store.JoinAsync("alice", "dev", 10, 10, default)).Should().Be(JoinOutcome.Joined);
        await AppendAsync(store, [new NewMessage("dev", "carol", "one"), new NewMessage("dev", "carol", "two")]);

        // Act
        var joined = await store.JoinAsync("bob", "dev", 10, 10, default);
        var after = await AppendAsync(store, [new NewMessage("dev", "carol", "three")]);

        // Assert
        joined.Should().Be(JoinOutcome.Joined);
        (await store.JoinAsync("bob", "dev", 10, 10, default)).Should().Be(JoinOutcome.AlreadyMember);
        (await store.SummariesAsync("bob", default)).Should().Equal(new RoomSummary("general", null, 0), new RoomSummary("dev", after[0].Id, 1));
        (await store.SummariesAsync("alice", default)).Should().Equal([new RoomSummary("general", null, 0), new RoomSummary("dev", after[0].Id, 3)], "alice joined before anything was said");
        (await store.MembersAsync("dev", default)).Should().Equal("alice", "bob");
        (await store.ListRoomsAsync(default)).Should().Equal(new RoomListing("dev", 2));
    }

    [SkippableFact]
    public async Task Join_refuses_past_the_limits_and_changes_nothing()
    {
        var store = await OpenAsync();
        await store.JoinAsync("alice", "a", 2, 3, default);
        await store.JoinAsync("alice", "b", 2, 3, default);
        await AppendAsync(store, [new NewMessage(AliceAndBob, "bob", "direct ones do not count")]);
        await store.MarkReadAsync([new ReadMark("alice", "general", 0)], default);

        (await store.JoinAsync("alice", "c", 2, 3, default)).Should().Be(JoinOutcome.TooManyForUser);
        (await store.JoinAsync("alice", "a", 2, 3, default)).Should().Be(JoinOutcome.AlreadyMember);
        (await store.JoinAsync("bob", "c", 2, 3, default)).Should().Be(JoinOutcome.Joined);
        (await store.JoinAsync("bob", "d", 2, 3, default)).Should().Be(JoinOutcome.TooManyRooms);
        (await store.JoinAsync("carol", "a", 2, 3, default)).Should().Be(JoinOutcome.Joined, "a room that exists is no new room");

        (await store.ListRoomsAsync(default)).Should().Equal(new RoomListing("a", 2), new RoomListing("b", 1), new RoomListing("c", 1));
        (await store.ConversationsOfAsync("alice", default)).Should().BeEquivalentTo("a", "b", AliceAndBob);
        (await store.ConversationsOfAsync("bob", default)).Should().BeEquivalentTo("c", AliceAndBob);
    }

    [SkippableFact]
    public async Task Leave_ends_a_membership_and_the_room_stays()
    {
        var store = await OpenAsync();
        await store.JoinAsync("alice", "dev", 10, 10, default);
        await store.JoinAsync("bob", "dev", 10, 10, default);

        (await store.LeaveAsync("alice", "dev", default)).Should().BeTrue();
        (await store.LeaveAsync("alice", "dev", default)).Should().BeFalse();
        (await store.LeaveAsync("carol", "ops", default)).Should().BeFalse();

        (await store.MembersAsync("dev", default)).Should().Equal("bob");
        (await store.ConversationsOfAsync("alice", default)).Should().BeEmpty();
        (await store.ListRoomsAsync(default)).Should().Equal(new RoomListing("dev", 1));
        (await store.LeaveAsync("bob", "dev", default)).Should().BeTrue();
        (await store.ListRoomsAsync(default)).Should().Equal(new RoomListing("dev", 0));
    }

    [SkippableFact]
    public async Task Members_and_rooms_come_in_ordinal_order()
    {
        var store = await OpenAsync();
        foreach (var user in (string[])["bob", "Émile", "alice", "Alice", "_x", "Zoe"])
        {
            await store.JoinAsync(user, "b-room", 10, 10, default);
        }

        foreach (var room in (string[])["a_room", "a-room", "a0"])
        {
            await store.JoinAsync("alice", room, 10, 10, default);
        }

        (await store.MembersAsync("b-room", default)).Should().Equal("Alice", "Zoe", "_x", "alice", "bob", "Émile");
        (await store.ListRoomsAsync(default)).Select(r => r.Room).Should().Equal("a-room", "a0", "a_room", "b-room");
    }

    [SkippableFact]
    public async Task Read_markers_move_forward_only_and_no_further_than_the_newest_message()
    {
        var store = await OpenAsync();
        var general = await AppendAsync(store, Messages("1", "2", "3"));
        await store.JoinAsync("bob", "dev", 10, 10, default);
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
        (await store.ConversationsOfAsync("bob", default)).Should().BeEquivalentTo(["dev", AliceAndBob], "marking creates a direct conversation's marker, never a room membership");
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
        unmarked.Should().Equal(new RoomSummary("general", rest[^1].Id, 0));
        (await store.SummariesAsync("bob", default)).Should().Equal(new RoomSummary("general", rest[^1].Id, 2));
        (await store.SummariesAsync("nobody", default)).Should().Equal(new RoomSummary("general", rest[^1].Id, 0));
    }

    [SkippableFact]
    public async Task Missed_messages_are_those_of_general_and_the_users_conversations_in_id_order()
    {
        // Arrange: alice is in dev and talks with bob; ops and bob's talk with carol are not hers
        var store = await OpenAsync();
        await store.JoinAsync("alice", "dev", 10, 10, default);
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
        (await store.GetMissedAsync("alice", start, 100, default)).Should().Equal(hers);
        (await store.GetMissedAsync("alice", start, 2, default)).Should().Equal(hers[..2]);
        (await store.GetMissedAsync("alice", hers[1].Id, 2, default)).Should().Equal(hers[2..4]);
        (await store.GetMissedAsync("alice", null, 3, default)).Should().Equal(hers[^3..], "without an id: the latest, oldest first");
        (await store.GetMissedAsync("carol", start, 100, default)).Select(m => m.Text).Should().Equal("g1", "not hers either", "g2");
    }
}
