using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Rooms;

/// <summary>Rooms on one server (in memory): joining, leaving, membership that belongs to the user, and the rules.</summary>
public class RoomTests
{
    [Fact]
    public async Task JoinRoom_makes_a_member_and_tells_the_members_and_the_users_own_connections()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var alice = await app.ConnectAsync("alice");
        await using var aliceOnPhone = await app.ConnectAsync("alice");

        var summary = await alice.JoinAsync("dev");

        summary.Should().Be(new RoomSummary("dev", null, 0) { Role = "member" });
        (await bob.NextRoomEventAsync()).Should().Be("UserJoinedRoom dev bob");
        (await bob.NextRoomEventAsync()).Should().Be("UserJoinedRoom dev alice");
        (await alice.NextRoomEventAsync()).Should().Be("UserJoinedRoom dev alice");
        (await aliceOnPhone.NextRoomEventAsync()).Should().Be("UserJoinedRoom dev alice");
        (await alice.MembersAsync("dev")).Should().Equal("alice", "bob");
    }

    [Fact]
    public async Task Room_messages_reach_only_the_rooms_members_with_the_room_set()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");

        var sent = (await alice.SendToAsync("dev", "in dev"))!;
        var general = (await carol.SendAsync("in general", "carol"))!;

        sent!.Room.Should().Be("dev");
        (await alice.MessagesAsync(2)).Should().Equal(sent, general);
        (await bob.MessagesAsync(2)).Should().Equal(sent, general);
        (await carol.NextMessageAsync()).Should().Be(general, "carol is not in #dev");
        general!.Room.Should().Be("general");
        (await alice.RoomHistoryAsync("dev")).Should().Equal(sent);
        (await alice.HistoryAsync()).Should().Equal(general);
    }

    [Fact]
    public async Task GetRoomHistoryBefore_pages_back_through_one_conversation()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await alice.JoinAsync("dev");
        var dev = new List<ChatMessage>();
        for (var i = 0; i < 5; i++)
        {
            dev.Add((await alice.SendToAsync("dev", $"dev {i}"))!);
            await alice.SendAsync($"general {i}", "alice");
        }

        var page = await alice.Connection.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetRoomHistoryBefore), "dev", dev[3].Id, 2).DefaultTimeout();
        var first = await alice.Connection.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetRoomHistoryBefore), "dev", page[0].Id, 2).DefaultTimeout();

        page.Should().Equal(dev[1], dev[2]);
        first.Should().Equal(dev[0]);
        await using var bob = await app.ConnectAsync("bob");
        (await bob.Connection.Invoking(c => c.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetRoomHistoryBefore), "dev", dev[3].Id, 2)).Should().ThrowAsync<HubException>())
            .Which.Message.Should().EndWith("You are not in #dev; join it first.");
    }

    [Fact]
    public async Task A_new_connection_is_in_all_the_users_rooms_before_its_first_call_is_answered()
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            await using (var first = new ChatApplication(databasePath: database))
            {
                await using var alice = await first.ConnectAsync("alice");
                await alice.JoinAsync("dev");
                await alice.JoinAsync("ops");
            }

            // After a restart, nobody has joined anything on this server yet.
            await using var app = new ChatApplication(databasePath: database);
            await using var bob = await app.ConnectAsync("bob");
            await bob.JoinAsync("dev");
            var aliceAgain = new TestClient(app.CreateConnection("alice"));
            await using var _ = aliceAgain;
            await aliceAgain.Connection.StartAsync().DefaultTimeout();

            // Its first call: once answered, the connection is in #dev.
            (await aliceAgain.RoomsAsync()).Select(room => room.Room).Should().BeEquivalentTo(["general", "dev", "ops"]);
            var sent = (await bob.SendToAsync("dev", "are you there?"))!;

            (await aliceAgain.NextMessageAsync()).Should().Be(sent);
        }
        finally
        {
            ChatApplication.DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task Joining_and_leaving_on_one_connection_moves_every_open_connection_of_the_user()
    {
        await using var app = new ChatApplication();
        await using var laptop = await app.ConnectAsync("alice");
        await using var phone = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");

        await laptop.JoinAsync("dev");
        var whileIn = (await bob.SendToAsync("dev", "hello alice"))!;
        (await laptop.NextMessageAsync()).Should().Be(whileIn);
        (await phone.NextMessageAsync()).Should().Be(whileIn);

        await laptop.LeaveAsync("dev");
        await bob.SendToAsync("dev", "gone?");
        var marker = (await bob.SendAsync("marker", "bob"))!;

        (await laptop.NextMessageAsync()).Should().Be(marker, "alice left #dev on every connection");
        (await phone.NextMessageAsync()).Should().Be(marker);
        phone.RoomEventsSoFar().Should().Equal("UserJoinedRoom dev alice", "UserLeftRoom dev alice");
        bob.RoomEventsSoFar().Should().Equal("UserJoinedRoom dev bob", "UserJoinedRoom dev alice", "UserLeftRoom dev alice");
        (await phone.RoomsAsync()).Select(room => room.Room).Should().Equal("general");
    }

    [Fact]
    public async Task A_guest_can_only_use_general()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await bob.SendToAsync("dev", "members only");
        var general = (await bob.SendAsync("for everyone", "bob"))!;
        await using var guest = await app.ConnectAsync(user: null);
        const string rule = "Guests can only use #general; connect with a name (or sign in) for rooms and direct messages.";

        foreach (var call in new Func<Task>[]
        {
            () => guest.JoinAsync("dev"),
            () => guest.LeaveAsync("dev"),
            () => guest.SendToAsync("dev", "hi"),
            () => guest.SendToAsync("general", "hi"),
            () => guest.SendToAsync("@bob", "hi"),
            () => guest.RoomHistoryAsync("dev"),
            () => guest.RoomHistoryAsync("@bob"),
            () => guest.MembersAsync("dev"),
            () => guest.MarkReadAsync("dev", 1),
            () => guest.TypingAsync("dev"),
        })
        {
            (await call.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(rule);
        }

        (await guest.MissedAsync(0)).Should().Equal(general);
        (await guest.RoomHistoryAsync("general")).Should().Equal(general);
        (await guest.RoomsAsync()).Should().Equal(new RoomSummary("general", general!.Id, 0) { Role = "member" });
        (await guest.ListRoomsAsync()).Should().Equal(new RoomListing("dev", 1));
    }

    [Theory]
    [InlineData("Dev")]
    [InlineData("#dev")]
    public async Task Room_names_are_taken_in_lower_case_without_the_hash(string name)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        (await alice.JoinAsync(name)).Room.Should().Be("dev");
        (await alice.SendToAsync(name, "same room"))!.Room.Should().Be("dev");
    }

    [Theory]
    [InlineData("")]
    [InlineData("-dev")]
    [InlineData("dev ops")]
    [InlineData("dév")]
    [InlineData("abcdefghijklmnopqrstuvwxyz1234567")]
    public async Task A_bad_room_name_is_refused_saying_what_a_name_is(string name)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        foreach (var call in new Func<Task>[] { () => alice.JoinAsync(name), () => alice.SendToAsync(name, "x"), () => alice.RoomHistoryAsync(name) })
        {
            (await call.Should().ThrowAsync<HubException>()).Which.Message.Should()
                .EndWith($"'{name}' is not a room name: use 1 to 32 characters of a-z, 0-9, - and _, starting with a letter or digit.");
        }

        (await alice.ListRoomsAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task A_room_the_user_is_not_in_can_be_neither_sent_to_nor_read_nor_listed()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await bob.SendToAsync("dev", "secret plans");
        await using var alice = await app.ConnectAsync("alice");

        foreach (var call in new Func<Task>[]
        {
            () => alice.SendToAsync("dev", "let me in"),
            () => alice.RoomHistoryAsync("dev"),
            () => alice.MembersAsync("dev"),
            () => alice.MarkReadAsync("dev", 1),
            () => alice.TypingAsync("dev"),
        })
        {
            (await call.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("You are not in #dev; join it first.");
        }

        (await alice.MissedAsync(0)).Should().BeEmpty();
        (await bob.RoomHistoryAsync("dev")).Should().ContainSingle();
        bob.RoomEventsSoFar().Should().Equal("UserJoinedRoom dev bob");
    }

    [Fact]
    public async Task General_cannot_be_left_and_direct_conversations_are_neither_joined_nor_left()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        (await alice.Invoking(a => a.LeaveAsync("general")).Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("Everyone is in #general; it cannot be left.");
        (await alice.Invoking(a => a.JoinAsync("@bob")).Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("Direct conversations need no join: send to @bob.");
        (await alice.Invoking(a => a.LeaveAsync("@bob")).Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("Direct conversations cannot be left.");
        (await alice.JoinAsync("general")).Room.Should().Be("general");
        await alice.LeaveAsync("never-joined");
        alice.RoomEventsSoFar().Should().BeEmpty();
    }

    [Fact]
    public async Task Rooms_per_user_and_rooms_on_the_server_are_limited()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Rooms:MaxPerUser"] = "2", ["Chat:Rooms:MaxRooms"] = "3" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.JoinAsync("one");
        await alice.JoinAsync("two");

        (await alice.Invoking(a => a.JoinAsync("three")).Should().ThrowAsync<HubException>()).Which.Message.Should()
            .EndWith("You are in 2 rooms, the most allowed (Chat:Rooms:MaxPerUser); leave one first.");
        await alice.SendToAsync("@bob", "direct conversations do not count");
        await bob.JoinAsync("three");
        (await bob.Invoking(b => b.JoinAsync("four")).Should().ThrowAsync<HubException>()).Which.Message.Should()
            .EndWith("This server has 3 rooms, the most allowed (Chat:Rooms:MaxRooms); join an existing one.");
        await bob.JoinAsync("one");
        await alice.LeaveAsync("two");
        await alice.JoinAsync("three");

        (await alice.ListRoomsAsync()).Should().Equal(new RoomListing("one", 2), new RoomListing("three", 2), new RoomListing("two", 0));
    }

    [Fact]
    public async Task Clear_in_a_room_clears_only_that_room_and_tells_its_members()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:AllowClearWithoutSignIn"] = "true" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");
        await alice.SendToAsync("dev", "old plans");
        var general = (await carol.SendAsync("general stays", "carol"))!;

        (await alice.SendToAsync("dev", "/clear")).Should().BeNull();

        (await bob.RoomHistoryAsync("dev")).Should().BeEmpty();
        (await bob.HistoryAsync()).Should().Equal(general);
        (await bob.NextRoomEventAsync()).Should().Be("UserJoinedRoom dev bob");
        (await bob.NextRoomEventAsync()).Should().Be("RoomCleared dev");
        carol.RoomEventsSoFar().Should().BeEmpty();
        await carol.Invoking(c => c.NextClearedAsync()).Should().NotCompleteWithinAsync(TimeSpan.FromMilliseconds(200));
        var next = (await alice.SendToAsync("dev", "fresh start"))!;
        next!.Id.Should().BeGreaterThan(general!.Id);
    }

    [Fact]
    public async Task JoinRoom_and_SendToRoom_draw_on_the_send_budget()
    {
        // The server's clock is the test's, so the refusals' hold ends when the test says (the budget refills in real time).
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ChatApplication(
            new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "1", ["Chat:RateLimit:Burst"] = "3" },
            services: services => services.AddSingleton<TimeProvider>(clock));
        await using var alice = await app.ConnectAsync("alice");

        await alice.JoinAsync("dev");
        await alice.SendToAsync("dev", "one");
        await alice.SendAsync("two", "alice");
        var join = alice.Invoking(a => a.JoinAsync("ops")).Should().ThrowAsync<HubException>();
        var send = alice.Invoking(a => a.SendToAsync("dev", "three")).Should().ThrowAsync<HubException>();
        await Eventually.Until(
            () =>
            {
                // Each refusal is held until the test's clock has moved on by the hold.
                clock.Advance(Server.Hubs.CallBudgets.RefusalHold);
                return join.IsCompleted && send.IsCompleted;
            },
            "both refusals come once held");

        (await join).Which.Message.Should().Contain("You are sending too fast");
        (await send).Which.Message.Should().Contain("You are sending too fast");
    }
}
