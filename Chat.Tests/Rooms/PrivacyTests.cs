using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Rooms;

/// <summary>With sign-in on, a direct conversation is the two users' alone: a third token reaches it by no hub method.</summary>
public class PrivacyTests
{
    private static string Token(string user) => ChatTokens.Create(AuthTests.Key, user, admin: false, TimeSpan.FromHours(1));

    [Fact]
    public async Task No_third_token_can_read_or_receive_a_direct_conversation()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = AuthTests.Key });
        await using var alice = await app.ConnectAsync(user: null, token: Token("alice"));
        await using var bob = await app.ConnectAsync(user: null, token: Token("bob"));

        // Mallory's token names mallory; ?user= is ignored with sign-in on.
        var mallory = new TestClient(app.CreateConnection("alice", Token("mallory")));
        await using var _ = mallory;
        await mallory.Connection.StartAsync().DefaultTimeout();

        var secret = await alice.SendToAsync("@bob", "the secret");
        await bob.SendToAsync("@alice", "the answer");
        var marker = await alice.SendAsync("marker", "alice");
        (await mallory.NextMessageAsync()).Should().Be(marker, "mallory receives nothing of alice and bob's conversation");

        // Every method that takes a conversation, with every way of naming theirs.
        foreach (var room in new[] { "@alice", "@bob", "@alice\nbob", "@bob\nalice", "alice", "bob" })
        {
            foreach (var read in new Func<Task<object?>>[]
            {
                async () => await mallory.RoomHistoryAsync(room),
                async () => await mallory.MembersAsync(room),
            })
            {
                try
                {
                    var found = await read();
                    found.Should().NotBeNull().And.BeAssignableTo<System.Collections.IEnumerable>();
                    found!.ToString().Should().NotContain("secret");
                    if (found is ChatMessage[] messages)
                    {
                        messages.Should().BeEmpty($"{room} is mallory's own conversation, not alice and bob's");
                    }
                    else if (found is string[] members)
                    {
                        members.Should().NotBeEquivalentTo(["alice", "bob"], "mallory's conversations are mallory's");
                    }
                }
                catch (HubException)
                {
                    // Refused: also fine.
                }
            }

            await Try(() => mallory.MarkReadAsync(room, secret!.Id));
            await Try(() => mallory.TypingAsync(room));
            await Try(() => mallory.SendToAsync(room, "let me in"));
            await Try(() => mallory.JoinAsync(room));
            await Try(() => mallory.LeaveAsync(room));
        }

        (await mallory.MissedAsync(0)).Should().NotContain(message => message.Text == "the secret" || message.Text == "the answer");
        foreach (var summary in await mallory.RoomsAsync())
        {
            (await mallory.RoomHistoryAsync(summary.Room)).Should().NotContain(message => message.Text == "the secret" || message.Text == "the answer");
        }

        (await mallory.ListRoomsAsync()).Select(listing => listing.Room).Should().NotContain(room => room.StartsWith('@'));
        mallory.ReceivedSoFar().Should().NotContain(message => message.Text == "the secret" || message.Text == "the answer");
        mallory.RoomEventsSoFar().Should().NotContain(line => line.Contains("@alice\nbob", StringComparison.Ordinal));

        // Alice and bob still see only their own exchange, and mallory's attempts went to mallory's own conversations.
        (await alice.RoomHistoryAsync("@bob")).Select(message => message.Text).Should().Equal("the secret", "the answer");
        (await bob.RoomHistoryAsync("@alice")).Select(message => message.Text).Should().Equal("the secret", "the answer");
        alice.RoomEventsSoFar().Should().NotContain(line => line.StartsWith(nameof(IChatClient.RoomRead), StringComparison.Ordinal));
    }

    private static async Task Try(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (HubException)
        {
        }
    }
}
