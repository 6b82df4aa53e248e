using Chat.Tests.Infrastructure;

namespace Chat.Tests.Hubs;

public class MessagingTests
{
    [Fact]
    public async Task SendMessage_reaches_every_client_with_the_id_of_the_ack()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");

        var ack = await alice.SendAsync("hello, both of you", "alice");

        ack.Should().NotBeNull();
        ack!.User.Should().Be("alice");
        ack.Text.Should().Be("hello, both of you");
        ack.SentAt.Kind.Should().Be(DateTimeKind.Utc);
        foreach (var client in new[] { alice, bob, carol })
        {
            (await client.NextMessageAsync()).Should().Be(ack);
        }
    }

    [Fact]
    public async Task Ids_strictly_increase_in_the_order_messages_are_committed()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        var ids = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add((await alice.SendAsync($"message {i}"))!.Id);
        }

        ids.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        (await alice.HistoryAsync()).Select(m => m.Id).Should().Equal(ids);
    }

    [Fact]
    public async Task History_survives_a_restart_on_the_same_file()
    {
        var database = ChatApplication.NewDatabasePath();
        try
        {
            long[] sent;
            await using (var first = new ChatApplication(databasePath: database))
            {
                await using var alice = await first.ConnectAsync("alice");
                sent = [(await alice.SendAsync("before the restart"))!.Id, (await alice.SendAsync("still there?"))!.Id];
            }

            await using var second = new ChatApplication(databasePath: database);
            await using var bob = await second.ConnectAsync("bob");
            var history = await bob.HistoryAsync();
            var next = await bob.SendAsync("after the restart", "bob");

            history.Select(m => (m.Id, m.Text)).Should().Equal((sent[0], "before the restart"), (sent[1], "still there?"));
            next!.Id.Should().BeGreaterThan(sent[1]);
        }
        finally
        {
            ChatApplication.DeleteDatabase(database);
        }
    }

    [Fact]
    public async Task GetHistory_after_an_id_returns_exactly_the_messages_missed()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        var seen = await alice.SendAsync("seen");
        var missed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            missed.Add((await alice.SendAsync($"missed {i}"))!.Text);
        }

        var caughtUp = await alice.HistoryAsync(afterId: seen!.Id);
        var limited = await alice.HistoryAsync(afterId: seen.Id, limit: 2);
        var latest = await alice.HistoryAsync(afterId: null, limit: 2);

        caughtUp.Select(m => m.Text).Should().Equal(missed);
        limited.Select(m => m.Text).Should().Equal(missed.Take(2));
        latest.Select(m => m.Text).Should().Equal(missed.TakeLast(2));
    }

    [Fact]
    public async Task Double_slash_sends_the_literal_text_with_one_slash()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        var ack = await alice.SendAsync("//shrug");

        ack!.Text.Should().Be("/shrug");
        (await alice.NextMessageAsync()).Text.Should().Be("/shrug");
    }

    [Fact]
    public async Task Markup_is_stored_and_sent_exactly_as_given()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        const string text = "<img src=x onerror=alert(1)> & \"quotes\" ünïcödé 👋";

        var ack = await alice.SendAsync(text);

        ack!.Text.Should().Be(text);
        (await alice.HistoryAsync()).Single().Text.Should().Be(text);
    }

    [Fact]
    public async Task MessagePack_and_JSON_clients_chat_with_each_other()
    {
        await using var app = new ChatApplication();
        await using var json = await app.ConnectAsync("json");
        await using var packed = await app.ConnectAsync("packed", messagePack: true);

        var fromPacked = (await packed.SendAsync("sent as MessagePack", "packed"))!;
        var fromJson = (await json.SendAsync("sent as JSON", "json"))!;

        (await json.MessagesAsync(2)).Should().Equal(fromPacked, fromJson);
        (await packed.MessagesAsync(2)).Should().Equal(fromPacked, fromJson);
        (await packed.HistoryAsync()).Should().Equal(fromPacked, fromJson);
        (await packed.OnlineUsersAsync()).Should().Equal("json", "packed");
        var rejected = () => packed.SendAsync(" ", "packed");
        (await rejected.Should().ThrowAsync<Microsoft.AspNetCore.SignalR.HubException>()).Which.Message.Should().Contain("The message is empty");
    }
}
