using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Rooms;

/// <summary>Direct conversations, idempotent sends, catching up, unread counts and typing, on one server (in memory).</summary>
public class ConversationTests
{
    [Fact]
    public async Task A_direct_message_reaches_only_the_two_users_each_seeing_the_other_as_the_room()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var bobOnPhone = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");

        var sent = (await alice.SendToAsync("@bob", "just between us"))!;
        var marker = (await carol.SendAsync("marker", "carol"))!;

        sent!.Room.Should().Be("@bob");
        (await alice.MessagesAsync(2)).Should().Equal(sent, marker);
        (await bob.MessagesAsync(2)).Should().Equal(sent with { Room = "@alice" }, marker);
        (await bobOnPhone.MessagesAsync(2)).Should().Equal(sent with { Room = "@alice" }, marker);
        (await carol.NextMessageAsync()).Should().Be(marker);
        (await bob.RoomHistoryAsync("@alice")).Should().Equal(sent with { Room = "@alice" });
        (await alice.RoomHistoryAsync("@bob")).Should().Equal(sent);
        (await carol.RoomHistoryAsync("@alice")).Should().BeEmpty("carol's conversation with alice is another one");
        (await bob.RoomsAsync()).Should().Equal(new RoomSummary("general", marker!.Id, 1) { Role = "member" }, new RoomSummary("@alice", sent.Id, 1)); // carol's marker came after bob connected
        (await bob.MembersAsync("@alice")).Should().Equal("alice", "bob");
    }

    [Fact]
    public async Task A_message_to_oneself_is_a_note()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        var note = (await alice.SendToAsync("@alice", "buy milk"))!;

        note!.Room.Should().Be("@alice");
        (await alice.NextMessageAsync()).Should().Be(note);
        (await alice.RoomsAsync()).Should().Equal(new RoomSummary("general", null, 0) { Role = "member" }, new RoomSummary("@alice", note.Id, 0));
    }

    [Theory]
    [InlineData("@")]
    [InlineData("@bob\u202E")]
    [InlineData("@alice\nbob")]
    public async Task A_direct_message_to_an_invalid_name_is_refused(string room)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        (await alice.Invoking(a => a.SendToAsync(room, "hi")).Should().ThrowAsync<HubException>()).Which.Message.Should()
            .Contain($"is not a user to write to: The user name");
        (await alice.MissedAsync(0)).Should().BeEmpty();
    }

    [Fact]
    public async Task The_same_client_message_id_returns_the_first_message_and_sends_nothing_new()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var aliceElsewhere = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");

        var first = (await alice.SendToAsync("dev", "deploying now", "5f0c1d9e-1"))!;
        var again = (await alice.SendToAsync("dev", "deploying now", "5f0c1d9e-1"))!;
        var fromOtherConnection = (await aliceElsewhere.SendToAsync("dev", "deploying now", "5f0c1d9e-1"))!;
        var bobsOwn = (await bob.SendToAsync("dev", "same id, other user", "5f0c1d9e-1"))!;

        again.Should().Be(first);
        fromOtherConnection.Should().Be(first);
        bobsOwn!.Id.Should().Be(first!.Id + 1, "ids stay dense: the repeats took none");
        (await bob.MessagesAsync(2)).Should().Equal(first, bobsOwn);
        (await bob.RoomHistoryAsync("dev")).Should().Equal(first, bobsOwn);
    }

    [Fact]
    public async Task Repeats_sent_at_once_are_stored_once()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        var sends = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => alice.SendToAsync("general", "only once", "same-id")));

        sends.Distinct().Should().ContainSingle();
        (await alice.HistoryAsync()).Should().ContainSingle();
    }

    [Fact]
    public async Task The_same_client_message_id_after_a_restart_returns_the_first_message()
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            ChatMessage? first;
            await using (var before = new ChatApplication(databasePath: database))
            {
                await using var alice = await before.ConnectAsync("alice");
                first = await alice.SendToAsync("@bob", "sent before the restart", "id-42");
            }

            await using var app = new ChatApplication(databasePath: database);
            await using var again = await app.ConnectAsync("alice");
            await using var bob = await app.ConnectAsync("bob");

            (await again.SendToAsync("@bob", "sent before the restart", "id-42")).Should().Be(first);
            (await bob.RoomHistoryAsync("@alice")).Should().ContainSingle();
            await bob.Invoking(b => b.NextMessageAsync()).Should().NotCompleteWithinAsync(TimeSpan.FromMilliseconds(300));
        }
        finally
        {
            ChatApplication.DeleteDatabase(database);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("an id that is far too long for anything a client would pick, as it has 65 chars")]
    public async Task A_bad_client_message_id_is_refused(string id)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        (await alice.Invoking(a => a.SendToAsync("general", "hi", id)).Should().ThrowAsync<HubException>()).Which.Message.Should()
            .EndWith($"The clientMessageId is {id.Length} characters long; use null or 1 to 64 characters (a UUID).");
    }

    [Fact]
    public async Task GetMissedMessages_brings_exactly_what_an_offline_user_missed_in_their_conversations()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await bob.JoinAsync("ops");
        long lastSeen;
        await using (var alice = await app.ConnectAsync("alice"))
        {
            await alice.JoinAsync("dev");
            lastSeen = (await alice.SendAsync("seen before going offline", "alice"))!.Id;
        }

        var missed = new List<ChatMessage>
        {
            (await bob.SendAsync("general news", "bob"))!,
            (await bob.SendToAsync("dev", "dev news"))!,
        };
        await bob.SendToAsync("ops", "alice is not in ops");
        await bob.SendToAsync("@carol", "not for alice");
        missed.Add((await bob.SendToAsync("@alice", "for alice"))! with { Room = "@bob" });
        missed.Add((await bob.SendToAsync("dev", "more dev news"))!);

        await using var back = await app.ConnectAsync("alice");

        (await back.MissedAsync(lastSeen)).Should().Equal(missed);
        (await back.MissedAsync(lastSeen, limit: 2)).Should().Equal(missed.Take(2));
        (await back.MissedAsync(missed[1].Id, limit: 2)).Should().Equal(missed.Skip(2));
    }

    [Fact]
    public async Task Unread_counts_follow_the_read_marker_on_every_connection_of_the_user()
    {
        await using var app = new ChatApplication();
        await using var laptop = await app.ConnectAsync("alice");
        await using var phone = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await bob.SendToAsync("dev", "said before alice joined");
        await laptop.JoinAsync("dev");
        var messages = new[] { await bob.SendToAsync("dev", "one"), await bob.SendToAsync("dev", "two"), await laptop.SendToAsync("dev", "mine"), await bob.SendToAsync("dev", "three") };

        (await phone.RoomsAsync())[1].Should().Be(new RoomSummary("dev", messages[3]!.Id, 3) { Role = "member" }, "alice's own message is not unread");

        await laptop.MarkReadAsync("dev", messages[1]!.Id);

        (await phone.RoomsAsync())[1].Unread.Should().Be(1);
        await Eventually.Until(() => phone.RoomEventsSoFar().Contains($"RoomRead dev {messages[1]!.Id}"), "the phone hears the marker moved");

        await phone.MarkReadAsync("dev", messages[0]!.Id);
        (await laptop.RoomsAsync())[1].Unread.Should().Be(1, "the marker never moves back");

        await phone.MarkReadAsync("dev", long.MaxValue);
        (await laptop.RoomsAsync())[1].Should().Be(new RoomSummary("dev", messages[3]!.Id, 0) { Role = "member" });
        var next = (await bob.SendToAsync("dev", "four"))!;
        (await laptop.RoomsAsync())[1].Should().Be(new RoomSummary("dev", next!.Id, 1) { Role = "member" }, "the marker stopped at the newest message");
    }

    [Fact]
    public async Task Typing_reaches_the_other_members_at_most_once_per_two_seconds_per_user_and_conversation()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var alicePhone = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");
        var joined = (await carol.SendAsync("joined", "carol"))!;
        foreach (var client in new[] { alice, alicePhone, bob, carol })
        {
            (await client.NextMessageAsync()).Should().Be(joined);
            client.RoomEventsSoFar();
        }

        // Act: alice types in #dev on both her connections, and to @carol
        for (var i = 0; i < 5; i++)
        {
            await alice.TypingAsync("dev");
            await alicePhone.TypingAsync("dev");
        }

        await alice.TypingAsync("@carol");
        await alicePhone.TypingAsync("@carol");
        var marker = (await bob.SendAsync("marker", "bob"))!;
        foreach (var client in new[] { alice, alicePhone, bob, carol })
        {
            (await client.NextMessageAsync()).Should().Be(marker);
        }

        // Assert
        bob.RoomEventsSoFar().Should().Equal(["UserTyping dev alice"], "the nine after the first came within 2 s from the same user, whichever connection");
        carol.RoomEventsSoFar().Should().Equal(["UserTyping @alice alice"], "carol is not in #dev; @carol is another conversation, passed on once");
        alice.RoomEventsSoFar().Should().BeEmpty("the typist never hears of it");
        alicePhone.RoomEventsSoFar().Should().BeEmpty("nor do their other connections");

        await Task.Delay(Server.Hubs.TypingThrottle.Interval + TimeSpan.FromMilliseconds(50)); // a timer may fire a little early
        await alicePhone.TypingAsync("@carol");
        await alicePhone.TypingAsync("general");
        (await carol.NextRoomEventAsync()).Should().Be("UserTyping @alice alice");
        (await carol.NextRoomEventAsync()).Should().Be("UserTyping general alice");
        (await bob.NextRoomEventAsync()).Should().Be("UserTyping general alice");
    }
}
