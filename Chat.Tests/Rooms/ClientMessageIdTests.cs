using Chat.Server.History;
using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Tests.Rooms;

/// <summary>
/// SPEC section 11: a clientMessageId belongs to the conversation it was first sent to, and is remembered for at
/// least 24 hours, also after its message is cleared or trimmed (a resend then gets the message's tombstone, and
/// nothing is stored or sent again). On both stores.
/// </summary>
public class ClientMessageIdTests
{
    public static TheoryData<string> Stores => ["sqlite", "postgres"];

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task The_same_id_sent_to_another_conversation_is_refused_and_nothing_is_stored_or_sent(string store)
    {
        await using var app = await StartAsync(store);
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var first = (await alice.SendToAsync("@bob", "for bob", "id-1"))!;
        (await bob.NextMessageAsync()).Id.Should().Be(first.Id);

        var elsewhere = () => alice.SendToAsync("general", "for everyone", "id-1");

        (await elsewhere.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith(
            "This clientMessageId was already used for a message in another conversation; give every message an id of its own (a new UUID).");
        (await alice.HistoryAsync()).Should().BeEmpty();
        (await alice.SendToAsync("@bob", "for bob", "id-1")).Should().Be(first, "the same conversation still gets the first message back");
        var marker = (await alice.SendAsync("marker"))!;
        (await bob.NextMessageAsync()).Should().Be(marker, "nothing else reached bob");
    }

    [SkippableTheory]
    [MemberData(nameof(Stores))]
    public async Task An_id_is_remembered_after_its_message_was_cleared_or_trimmed_and_the_resend_gets_its_tombstone(string store)
    {
        // Arrange: one message cleared with #dev, one trimmed away by retention (2 kept per conversation)
        await using var app = await StartAsync(store, ("Chat:AllowClearWithoutSignIn", "true"), ("Chat:History:MaxMessages", "2"));
        await using var alice = await app.ConnectAsync("alice");
        await alice.JoinAsync("dev");
        var cleared = (await alice.SendToAsync("dev", "cleared later", "id-cleared"))!;
        await alice.SendToAsync("dev", "/clear");
        var trimmed = (await alice.SendToAsync("general", "trimmed later", "id-trimmed"))!;
        for (var i = 0; i < 3; i++)
        {
            await alice.SendToAsync("general", $"newer {i}");
        }

        (await alice.MessagesAsync(5)).Select(m => m.Text).Should().Equal("cleared later", "trimmed later", "newer 0", "newer 1", "newer 2");

        // Act: both are sent again, as a client whose ack was lost would
        var again = await alice.SendToAsync("dev", "cleared later", "id-cleared");
        var againTrimmed = await alice.SendToAsync("general", "trimmed later", "id-trimmed");
        var raw = await alice.Connection.InvokeAsync<System.Text.Json.JsonElement>(nameof(IChatHub.SendToRoom), "dev", "cleared later", "id-cleared").DefaultTimeout();

        // Assert
        again.Should().Be(ChatMessage.Tombstone(cleared.Id, "dev", "alice", cleared.SentAt));
        againTrimmed.Should().Be(ChatMessage.Tombstone(trimmed.Id, "general", "alice", trimmed.SentAt));
        raw.GetProperty("deleted").GetBoolean().Should().BeTrue();
        raw.GetProperty("text").GetString().Should().BeEmpty();
        (await alice.RoomHistoryAsync("dev")).Should().BeEmpty("nothing was stored again");
        (await alice.HistoryAsync()).Select(m => m.Text).Should().Equal("newer 1", "newer 2");
        var marker = (await alice.SendAsync("marker"))!;
        (await alice.NextMessageAsync()).Should().Be(marker, "nothing was sent again");
    }

    private static async Task<ChatApplication> StartAsync(string store, params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(setting => setting.Key, setting => (string?)setting.Value);
        if (store == "postgres")
        {
            all["ConnectionStrings:Chat"] = await (await PostgresServer.SharedAsync()).CreateDatabaseAsync();
        }

        return new ChatApplication(all);
    }
}
