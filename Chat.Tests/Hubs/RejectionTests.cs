using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Hubs;

/// <summary>SPEC section 4: each rejection is a readable HubException, stores nothing and leaves the connection usable.</summary>
public class RejectionTests
{
    public static TheoryData<string, string, string> BadSends => new()
    {
        { "", "alice", "The message is empty" },
        { "   \t\n ", "alice", "The message is empty" },
        { new string('x', 2001), "alice", "The message is 2001 characters long; at most 2000 are allowed" },
        { "hello", "", "The user name is empty" },
        { "hello", "   ", "The user name is empty" },
        { "hello", new string('u', 33), "The user name is 33 characters long; at most 32 are allowed" },
        { "hello", "tab\there", "control characters" },
        { "hello", "bell\u0007", "control characters" },
        { "nul\0inside", "alice", "The message contains a NUL character (U+0000)" },
        { "/shout hello", "alice", "Unknown command '/shout'" },
        { "/", "alice", "Unknown command '/'" },
    };

    [Theory]
    [MemberData(nameof(BadSends))]
    public async Task SendMessage_with_bad_input_is_rejected_and_nothing_is_stored(string text, string user, string error)
    {
        await using var app = new ChatApplication();
        await using var sender = await app.ConnectAsync("alice");
        await using var other = await app.ConnectAsync("bob");
        var before = await sender.SendAsync("before");

        var send = () => sender.SendAsync(text, user);

        (await send.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain(error);
        await ShouldStillWorkWithNothingElseStored(sender, other, before!);
    }

    [Fact]
    public async Task A_message_of_exactly_the_maximum_length_is_accepted()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");

        var ack = await alice.SendAsync(new string('x', 2000));

        ack!.Text.Should().HaveLength(2000);
    }

    [Fact]
    public async Task The_maximum_length_follows_configuration()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:MaxMessageLength"] = "10" });
        await using var alice = await app.ConnectAsync("alice");

        var send = () => alice.SendAsync("eleven char");

        (await send.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("at most 10 are allowed");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(501)]
    public async Task GetHistory_with_a_limit_out_of_range_is_rejected(int limit)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var before = await alice.SendAsync("before");

        var history = () => alice.HistoryAsync(limit: limit);

        (await history.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain($"The history limit {limit} is out of range; ask for 1 to 500 messages");
        await ShouldStillWorkWithNothingElseStored(alice, bob, before!);
    }

    [Fact]
    public async Task Sends_over_the_rate_limit_are_rejected_and_the_connection_stays_usable()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?>
        {
            ["Chat:RateLimit:PerSecond"] = "1",
            ["Chat:RateLimit:Burst"] = "3",
        });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");

        for (var i = 0; i < 3; i++)
        {
            await alice.SendAsync($"burst {i}");
        }

        var overLimit = () => alice.SendAsync("one too many");

        (await overLimit.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("You are sending too fast: at most 1 messages per second, in bursts of up to 3");
        (await bob.MessagesAsync(3)).Select(m => m.Text).Should().Equal("burst 0", "burst 1", "burst 2");
        (await alice.HistoryAsync()).Should().HaveCount(3, "the rejected send is not stored");
        (await bob.SendAsync("bob has his own budget", "bob")).Should().NotBeNull();
        (await alice.OnlineUsersAsync()).Should().Equal("alice", "bob");
    }

    [Fact]
    public async Task A_rate_limit_of_zero_turns_the_limit_off()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "0", ["Chat:RateLimit:Burst"] = "1" });
        await using var alice = await app.ConnectAsync("alice");

        for (var i = 0; i < 50; i++)
        {
            await alice.SendAsync($"fast {i}");
        }

        (await alice.HistoryAsync()).Should().HaveCount(50);
    }

    [Fact]
    public async Task Arguments_of_the_wrong_type_get_an_error_reply_and_the_connection_stays()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var before = await alice.SendAsync("before");

        var wrongTypes = () => alice.Connection.InvokeAsync<object>(nameof(IChatHub.GetHistory), "not a number", new { nested = true }).DefaultTimeout();

        (await wrongTypes.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("Error binding arguments");
        await ShouldStillWorkWithNothingElseStored(alice, bob, before!);
    }

    [Fact]
    public async Task An_unknown_hub_method_gets_an_error_reply_and_the_connection_stays()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var before = await alice.SendAsync("before");

        var unknown = () => alice.Connection.InvokeAsync<object>("DeleteEverything").DefaultTimeout();

        (await unknown.Should().ThrowAsync<HubException>()).Which.Message.Should().Contain("Method does not exist");
        await ShouldStillWorkWithNothingElseStored(alice, bob, before!);
    }

    /// <summary>The caller can still send, the other client saw only real messages, and the store holds nothing else.</summary>
    private static async Task ShouldStillWorkWithNothingElseStored(TestClient sender, TestClient other, ChatMessage before)
    {
        var after = await sender.SendAsync("after");
        after.Should().NotBeNull("the connection stays open and usable");

        (await sender.HistoryAsync()).Select(m => m.Text).Should().Equal("before", "after");
        (await other.MessagesAsync(2)).Select(m => m.Id).Should().Equal(before.Id, after!.Id);
        other.NoticesSoFar().Should().BeEmpty("no other client notices a rejection");
    }

    [Fact]
    public async Task A_rejected_call_is_logged_at_Information_without_a_stack_trace_once_per_connection_and_cause()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");

        for (var i = 0; i < 5; i++)
        {
            var empty = () => alice.SendAsync("   ");
            await empty.Should().ThrowAsync<HubException>();
        }

        var long_ = () => alice.SendAsync(new string('x', 2001));
        await long_.Should().ThrowAsync<HubException>();
        var bobs = () => bob.SendAsync("   ", "bob");
        await bobs.Should().ThrowAsync<HubException>();

        var lines = app.Logs.Lines;
        lines.Where(line => line.Contains("Rejected SendMessage", StringComparison.Ordinal)).Should().HaveCount(3, "alice's first empty text, her text too long, bob's empty text")
            .And.OnlyContain(line => line.StartsWith("Information ", StringComparison.Ordinal));
        lines.Should().NotContain(line => line.StartsWith("Error ", StringComparison.Ordinal) || line.StartsWith("Warning ", StringComparison.Ordinal));
        lines.Should().NotContain(line => line.Contains("   at ", StringComparison.Ordinal), "no stack traces for input a rule refused");
    }
}
