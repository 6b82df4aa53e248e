using System.Net;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ScaleOut;

/// <summary>Rooms and direct conversations across two Chat processes with real Redis and PostgreSQL.</summary>
public sealed class RoomClusterTests : ClusterTest
{
    [SkippableFact]
    public async Task Joining_on_one_node_puts_the_users_connection_on_the_other_node_in_the_room()
    {
        await using var aliceOnA = await A.ConnectAsync("alice");
        await using var aliceOnB = await B.ConnectAsync("alice");
        await using var bobOnB = await B.ConnectAsync("bob");
        await using var carolOnA = await A.ConnectAsync("carol");
        await bobOnB.JoinAsync("dev");

        await aliceOnA.JoinAsync("dev");

        (await aliceOnB.NextRoomEventAsync()).Should().Be("UserJoinedRoom dev alice");
        (await bobOnB.NextRoomEventAsync()).Should().Be("UserJoinedRoom dev bob");
        (await bobOnB.NextRoomEventAsync()).Should().Be("UserJoinedRoom dev alice");
        var sent = (await bobOnB.SendToAsync("dev", "from node B"))!;
        var marker = (await carolOnA.SendAsync("marker", "carol"))!;
        (await aliceOnA.MessagesAsync(2)).Should().Equal(sent, marker);
        (await aliceOnB.MessagesAsync(2)).Should().Equal(sent, marker);
        (await carolOnA.NextMessageAsync()).Should().Be(marker, "carol is not in #dev");

        await aliceOnB.LeaveAsync("dev");
        await bobOnB.SendToAsync("dev", "after alice left");
        var second = (await carolOnA.SendAsync("second marker", "carol"))!;
        (await aliceOnA.NextMessageAsync()).Should().Be(second, "alice left #dev on node B, and so on node A");
        (await bobOnB.MembersAsync("dev")).Should().Equal("bob");
    }

    [SkippableFact]
    public async Task A_direct_message_crosses_nodes_to_the_two_users_only()
    {
        await using var alice = await A.ConnectAsync("alice");
        await using var bob = await B.ConnectAsync("bob");
        await using var bobOnA = await A.ConnectAsync("bob");
        await using var carol = await B.ConnectAsync("carol");

        var sent = (await alice.SendToAsync("@bob", "across the cluster"))!;
        var marker = (await carol.SendAsync("marker", "carol"))!;

        (await bob.MessagesAsync(2)).Should().Equal(sent! with { Room = "@alice" }, marker);
        (await bobOnA.MessagesAsync(2)).Should().Equal(sent with { Room = "@alice" }, marker);
        (await alice.MessagesAsync(2)).Should().Equal(sent, marker);
        (await carol.NextMessageAsync()).Should().Be(marker);
        (await bob.RoomHistoryAsync("@alice")).Should().Equal(sent with { Room = "@alice" });
    }

    [SkippableFact]
    public async Task A_node_that_restarts_restores_its_connections_rooms_from_the_store()
    {
        await using (var before = await B.ConnectAsync("alice"))
        {
            await before.JoinAsync("dev");
        }

        await B.RestartAsync();
        await using var alice = await B.ConnectAsync("alice");
        await using var bob = await A.ConnectAsync("bob");
        await bob.JoinAsync("dev");

        var sent = (await bob.SendToAsync("dev", "welcome back"))!;

        (await alice.NextMessageAsync()).Should().Be(sent);
        (await alice.RoomsAsync()).Select(room => room.Room).Should().Equal("general", "dev");
    }

    [SkippableFact]
    public async Task Catch_up_after_a_restart_brings_every_conversation_missed_from_either_node()
    {
        long lastSeen;
        await using (var alice = await B.ConnectAsync("alice"))
        {
            await alice.JoinAsync("dev");
            lastSeen = (await alice.SendAsync("last one seen", "alice"))!.Id;
        }

        await using var bob = await A.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await bob.JoinAsync("ops");
        var missed = new[]
        {
            (await bob.SendToAsync("dev", "dev while away"))!,
            (await bob.SendToAsync("@alice", "direct while away"))! with { Room = "@bob" },
            (await bob.SendAsync("general while away", "bob"))!,
        };
        await bob.SendToAsync("ops", "not alice's");

        await using var back = await B.ConnectAsync("alice");

        (await back.MissedAsync(lastSeen)).Should().Equal(missed);
    }

    [SkippableFact]
    public async Task A_join_made_while_Redis_was_down_reaches_the_other_node_once_Redis_is_back()
    {
        await using var aliceOnA = await A.ConnectAsync("alice");
        await using var aliceOnB = await B.ConnectAsync("alice");
        await using var bobOnA = await A.ConnectAsync("bob");
        await bobOnA.JoinAsync("dev");

        // Act: alice joins on B while Redis is away, so A cannot hear of it then.
        await Cluster.Redis.StopAsync();
        await Cluster.WaitForReadinessAsync(A.Url, HttpStatusCode.ServiceUnavailable);
        await aliceOnB.JoinAsync("dev");
        await Cluster.Redis.StartAgainAsync();
        await Cluster.WaitForReadinessAsync(A.Url, HttpStatusCode.OK);
        await Cluster.WaitForReadinessAsync(B.Url, HttpStatusCode.OK);

        // Assert: A read alice's rooms again; its connection of hers is in #dev.
        await Eventually.UntilAsync(
            async () =>
            {
                var sent = await bobOnA.SendToAsync("dev", "is alice here?");
                await Task.Delay(300);
                return aliceOnA.ReceivedSoFar().Any(message => message.Id == sent!.Id);
            },
            "alice's connection on A should be in #dev");
    }

    [SkippableFact]
    public async Task A_kicked_or_banned_user_leaves_the_room_at_once_on_both_nodes_and_a_mute_holds_on_both()
    {
        await using var alice = await A.ConnectAsync("alice");
        await using var bobOnB = await B.ConnectAsync("bob");
        await using var bobOnA = await A.ConnectAsync("bob");
        await using var carolOnB = await B.ConnectAsync("carol");
        await alice.CreateRoomAsync("ops", isPrivate: true);
        await alice.InviteAsync("ops", "bob");
        await alice.InviteAsync("ops", "carol");
        await bobOnB.JoinAsync("ops");
        await carolOnB.JoinAsync("ops");

        // A kick on A: bob's connections on both nodes are out before alice's next message in #ops.
        await alice.KickAsync("ops", "bob");
        await alice.SendToAsync("ops", "after the kick");
        var marker = (await alice.SendAsync("marker", "alice"))!;
        (await bobOnB.NextMessageAsync()).Should().Be(marker, "bob's connection on B left #ops with the kick");
        (await bobOnA.NextMessageAsync()).Should().Be(marker);
        (await bobOnB.NextNoticeAsync()).Should().Be("alice invited you to #ops; join it to take part.");
        (await bobOnB.NextNoticeAsync()).Should().Be("alice removed you from #ops.");
        (await bobOnB.Invoking(b => b.JoinAsync("ops")).Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>()).Which.Message.Should().Contain("is private");

        // A ban on A: the same, and no way back on B.
        await alice.InviteAsync("ops", "bob");
        await bobOnB.JoinAsync("ops");
        await alice.BanAsync("ops", "bob", 30);
        await alice.SendToAsync("ops", "after the ban");
        var second = (await alice.SendAsync("second marker", "alice"))!;
        (await bobOnB.NextMessageAsync()).Should().Be(second, "bob's connection on B left #ops with the ban");
        (await bobOnA.NextMessageAsync()).Should().Be(second);
        (await bobOnB.Invoking(b => b.JoinAsync("ops")).Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>()).Which.Message.Should().Contain("banned");
        (await bobOnB.RoomsAsync()).Select(room => room.Room).Should().Equal("general");

        // A mute on A holds for carol on B once B hears of it (the cluster bus, as for joins and leaves).
        await alice.MuteAsync("ops", "carol", 10);
        await Eventually.UntilAsync(
            async () =>
            {
                try
                {
                    await carolOnB.SendToAsync("ops", "am I muted?");
                    return false;
                }
                catch (Microsoft.AspNetCore.SignalR.HubException refused) when (refused.Message.Contains("You are muted in #ops"))
                {
                    return true;
                }
            },
            "carol's posts on B should be refused");
        (await alice.ModerationLogAsync("ops")).Select(entry => entry.Action).Should().Equal("mute", "ban", "invite", "kick", "invite", "invite");
    }
}
