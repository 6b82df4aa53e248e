using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Rooms;

/// <summary>
/// SPEC section 11's limits on what one user can make the server keep and walk: reading makes nothing, direct
/// conversations and new rooms are capped per user, empty rooms go away, and calls that walk a user's
/// conversations pay for each; a list larger than the budget is still answered.
/// </summary>
public class ConversationLimitTests
{
    [Fact]
    public async Task Reading_marking_or_typing_to_a_direct_conversation_never_creates_it()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        for (var i = 0; i < 20; i++)
        {
            await alice.MarkReadAsync($"@user{i}", 0);
            await alice.RoomHistoryAsync($"@user{i}");
            await alice.TypingAsync($"@user{i}");
        }

        await using var user0 = await app.ConnectAsync("user0");
        (await alice.RoomsAsync()).Select(r => r.Room).Should().Equal(["general"], "no conversation was started");
        (await user0.RoomsAsync()).Select(r => r.Room).Should().Equal("general");
        (await app.Services.GetRequiredService<IHistoryStore>().DirectCountAsync("alice", default)).Should().Be(0);
    }

    [Fact]
    public async Task A_user_past_the_direct_conversation_cap_cannot_start_another_but_writes_in_those_they_have()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Rooms:MaxDirectPerUser"] = "2" });
        await using var alice = await app.ConnectAsync("alice");
        await alice.SendToAsync("@bob", "one");
        await alice.SendToAsync("@carol", "two");

        var third = () => alice.SendToAsync("@dave", "three");

        (await third.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(
            "You have 2 direct conversations, the most allowed (Chat:Rooms:MaxDirectPerUser); write in one of them instead of starting another.");
        (await alice.SendToAsync("@bob", "still fine")).Should().NotBeNull();
        (await alice.RoomHistoryAsync("@dave")).Should().BeEmpty();
        await using var dave = await app.ConnectAsync("dave");
        (await dave.SendToAsync("@alice", "dave may write to alice")).Should().NotBeNull("the cap is on starting conversations, not on receiving them");
    }

    [Fact]
    public async Task A_user_past_the_daily_room_creations_joins_existing_rooms_only()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Rooms:CreatePerUserPerDay"] = "2" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.JoinAsync("one");
        await alice.JoinAsync("two");
        await bob.JoinAsync("bobs");

        var third = () => alice.JoinAsync("three");

        (await third.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(
            "You created 2 rooms in the last 24 hours, the most allowed (Chat:Rooms:CreatePerUserPerDay); join an existing room, or create this one tomorrow.");
        (await alice.JoinAsync("bobs")).Room.Should().Be("bobs");
        (await alice.ListRoomsAsync()).Select(r => r.Room).Should().Equal("bobs", "one", "two");
    }

    [Fact]
    public async Task Rooms_left_empty_for_the_set_days_are_removed_so_joining_and_leaving_cannot_use_up_the_rooms()
    {
        // Arrange: the server holds one room; alice makes it and leaves it
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Rooms:MaxRooms"] = "1", ["Chat:Rooms:EmptyRoomDays"] = "30" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.JoinAsync("spam1");
        await alice.SendToAsync("spam1", "kept until the room goes");
        await alice.LeaveAsync("spam1");
        var full = () => bob.JoinAsync("real");
        (await full.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("Chat:Rooms:MaxRooms");
        var maintenance = app.Services.GetRequiredService<HistoryMaintenance>();

        // Act: a maintenance round 29 days on keeps it; one 31 days on removes it
        await maintenance.RunOnceAsync(DateTime.UtcNow.AddDays(29));
        var kept = await bob.ListRoomsAsync();
        await maintenance.RunOnceAsync(DateTime.UtcNow.AddDays(31));

        // Assert
        kept.Select(r => r.Room).Should().Equal("spam1");
        (await bob.ListRoomsAsync()).Should().BeEmpty();
        (await bob.JoinAsync("spam1")).Should().Be(new RoomSummary("spam1", null, 0) { Role = "owner" }, "a room of that name starts anew, without the old messages");
        (await bob.RoomHistoryAsync("spam1")).Should().BeEmpty();
    }

    [Fact]
    public async Task Catching_up_and_listing_conversations_cost_one_read_per_conversation()
    {
        // Arrange: alice in 60 direct conversations; her reads: 500 at once, 10 per second after that
        await using var app = new ChatApplication(new Dictionary<string, string?>
        {
            ["Chat:RateLimit:PerSecond"] = "0",
            ["Chat:RateLimit:ReadsPerSecond"] = "10",
            ["Chat:RateLimit:ReadBurst"] = "500",
        });
        await using var alice = await app.ConnectAsync("alice");
        for (var i = 0; i < 60; i++)
        {
            await alice.SendToAsync($"@peer{i}", "hi");
        }

        // Act: 400 messages plus 60 conversations fit in the burst; the next call's 60 do not
        var missed = await alice.MissedAsync(0, 400);
        var rooms = () => alice.RoomsAsync();

        // Assert
        missed.Should().HaveCount(60);
        (await rooms.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("You are reading too fast");
    }

    [Fact]
    public async Task A_list_larger_than_the_read_burst_is_answered_whole()
    {
        // Arrange: 505 users online, a read burst of 500
        await using var app = new ChatApplication(new Dictionary<string, string?>
        {
            ["Chat:RateLimit:ReadBurst"] = "500",
            ["Chat:Limits:ConnectsPerSecond"] = "0",
        });
        var others = new List<RawHubSocket>();
        for (var i = 0; i < 504; i++)
        {
            others.Add(await RawHubSocket.ConnectAsync(app, $"user{i:000}"));
        }

        // Two users, each with a budget of its own, started without the usual first call (a list of 505 names)
        await using var alice = new TestClient(app.CreateConnection("alice"));
        await using var bob = new TestClient(app.CreateConnection("bob"));
        await alice.Connection.StartAsync().DefaultTimeout();
        await bob.Connection.StartAsync().DefaultTimeout();

        // Act
        var online = await alice.OnlineUsersAsync();
        var members = await bob.MembersAsync("general");

        // Assert
        online.Should().HaveCountGreaterThan(500, "the whole list, larger than the read burst");
        members.Should().HaveCountGreaterThan(500);
        foreach (var other in others)
        {
            other.Dispose();
        }
    }
}
