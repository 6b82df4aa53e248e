using System.Net;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Chat.Tests.Files.FileSamples;

namespace Chat.Tests.Rooms;

/// <summary>A private room's messages, files, members and typing reach its members only, by every hub method and the file endpoint.</summary>
public sealed class PrivateRoomTests
{
    [Fact]
    public async Task A_private_room_leaks_to_an_outsider_by_no_method_nor_to_a_member_after_a_kick()
    {
        await using var app = new ChatApplication();
        var http = app.CreateClient();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.CreateRoomAsync("plans", isPrivate: true, topic: "the acquisition");
        await alice.InviteAsync("plans", "bob");
        await bob.JoinAsync("plans");
        var file = await UploadedAsync(http, "alice", [1, 2, 3], "terms.bin");
        var secret = (await alice.PostFilesAsync("plans", "the zebra acquisition closes friday", file))!;
        await bob.TypingAsync("plans");
        var marker = (await alice.SendAsync("marker zebra", "alice"))!;

        foreach (var outsider in new[] { carol })
        {
            (await outsider.NextMessageAsync()).Should().Be(marker, "nothing of #plans reaches an outsider's connection");
            (await outsider.ListRoomsAsync()).Should().BeEmpty();
            (await outsider.RoomsAsync()).Select(summary => summary.Room).Should().Equal("general");
            (await outsider.MissedAsync(0)).Should().Equal(marker);
            (await outsider.SearchAsync("zebra")).Select(hit => hit.Message).Should().Equal(marker);
            foreach (var refused in new Func<Task>[]
            {
                () => outsider.SearchAsync("zebra", "plans"),
                () => outsider.SearchAsync("zebra in:#plans"),
                () => outsider.RoomHistoryAsync("plans"),
                () => outsider.Connection.InvokeAsync<ChatMessage[]>(nameof(IChatHub.GetRoomHistoryBefore), "plans", secret.Id + 1, 10),
                () => outsider.MembersAsync("plans"),
                () => outsider.TypingAsync("plans"),
                () => outsider.MarkReadAsync("plans", secret.Id),
                () => outsider.SendToAsync("plans", "let me in"),
                () => outsider.ReactAsync("plans", secret.Id, "👀"),
                () => outsider.ModerationLogAsync("plans"),
            })
            {
                (await refused.Should().ThrowAsync<HubException>()).Which.Message.Should().NotContain("zebra");
            }

            using var served = await GetAsync(http, file, "carol");
            served.StatusCode.Should().Be(HttpStatusCode.Forbidden, "a file is served only to those who can read its message");
        }

        // A kicked member loses every way in at once.
        await alice.KickAsync("plans", "bob");
        (await bob.ListRoomsAsync()).Should().BeEmpty();
        (await bob.SearchAsync("zebra")).Select(hit => hit.Message).Should().Equal(marker);
        (await bob.MissedAsync(0)).Should().NotContain(message => message.Room == "plans");
        (await bob.Invoking(b => b.RoomHistoryAsync("plans")).Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith("You are not in #plans; join it first.");
        (await bob.Invoking(b => b.JoinAsync("plans")).Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("is private");
        using var servedToBob = await GetAsync(http, file, "bob");
        servedToBob.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var servedToAlice = await GetAsync(http, file, "alice");
        servedToAlice.StatusCode.Should().Be(HttpStatusCode.OK);
        carol.RoomEventsSoFar().Should().NotContain(line => line.Contains("plans"), "no typing, join or leave of #plans reached carol");
    }
}
