using Chat.Client.Console;
using Chat.Server.History;
using Chat.Server.Delivery;
using Chat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.ConsoleClient;

/// <summary>Interactive mode driven through its input and output, against the in-memory server.</summary>
public class InteractiveChatTests
{
    [Fact]
    public async Task Prints_recent_history_then_another_clients_message_in_local_time()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        var earlier = await bob.SendAsync("before alice came", "bob");
        await using var alice = await StartAsync(app, "alice");

        var live = await bob.SendAsync("hello alice", "bob");

        (await alice.Output.MessageAsync("hello alice")).Should().Be(TestClock.Line(live!.SentAt, "bob", "hello alice"));
        alice.Output.Lines.Should().ContainInOrder(TestClock.Line(earlier!.SentAt, "bob", "before alice came"), TestClock.Line(live.SentAt, "bob", "hello alice"));
    }

    [Fact]
    public async Task A_typed_line_is_sent_as_the_user_and_shown_once()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");

        alice.Input.Type("hi bob, typed on stdin");

        var received = await bob.NextMessageAsync();
        received.User.Should().Be("alice");
        received.Text.Should().Be("hi bob, typed on stdin");
        await alice.Output.MessageAsync("alice: hi bob, typed on stdin");
        await alice.EndAsync();
        alice.Output.Lines.Where(line => line.EndsWith("typed on stdin", StringComparison.Ordinal)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_rejected_line_shows_the_hubs_sentence_and_the_next_line_is_sent()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");

        alice.Input.Type(new string('x', 3000));
        alice.Input.Type("shorter");

        (await alice.Output.LineAsync(line => line.StartsWith("error:", StringComparison.Ordinal)))
            .Should().Be("error: The message is 3000 characters long; at most 2000 are allowed. Shorten it or split it in parts.");
        await alice.Output.MessageAsync("alice: shorter");
    }

    [Fact]
    public async Task A_line_too_big_for_one_frame_costs_a_reconnect_and_the_chat_goes_on()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");

        alice.Input.Type(new string('z', 40_000));

        (await alice.Output.LineAsync(line => line.StartsWith("error:", StringComparison.Ordinal)))
            .Should().StartWith("error: the server closed the connection: The maximum message size of 32768B was exceeded.");
        await alice.Output.LineAsync("* reconnected");
        alice.Input.Type("after the reconnect");
        await alice.Output.MessageAsync("alice: after the reconnect");
    }

    [Fact]
    public async Task Empty_lines_are_not_sent()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");

        alice.Input.Type("");
        alice.Input.Type("   ");
        alice.Input.Type("the first real line");

        (await bob.NextMessageAsync()).Text.Should().Be("the first real line");
        await alice.Output.MessageAsync("alice: the first real line");
        alice.Output.Lines.Should().NotContain(line => line.StartsWith("error:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Presence_notices_and_clearing_are_shown_as_lines()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:AllowClearWithoutSignIn"] = "true" });
        await using var alice = await StartAsync(app, "alice");

        var carol = await app.ConnectAsync("carol");
        await alice.Output.LineAsync("* carol joined");
        alice.Input.Type("/who");
        await alice.Output.LineAsync("* Online (2): alice, carol");
        await carol.DisposeAsync();
        await alice.Output.LineAsync("* carol left");
        alice.Input.Type("/clear");
        await alice.Output.LineAsync("* history cleared");
    }

    [Fact]
    public async Task End_of_input_exits_0()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");

        var exitCode = await alice.EndAsync();

        exitCode.Should().Be(0);
    }

    [Fact]
    public async Task At_end_of_input_the_last_line_is_shown_before_exit_even_when_its_broadcast_comes_after_the_ack()
    {
        // The ack means committed; the broadcast follows it. Here it follows 300 ms later.
        await using var app = new ChatApplication(services: services => services.AddSingleton<IHistoryPublisher>(
            provider => new LatePublisher(provider.GetRequiredService<Sequencer>(), TimeSpan.FromMilliseconds(300))));
        await using var alice = await StartAsync(app, "alice");

        alice.Input.Type("last words");
        var exitCode = await alice.EndAsync();

        exitCode.Should().Be(0);
        alice.Output.Lines.Should().ContainSingle(line => line.EndsWith("alice: last words", StringComparison.Ordinal));
    }

    private static Task<InteractiveRun> StartAsync(ChatApplication app, string user) =>
        InteractiveRun.StartAsync(new ChatEndpoint(app.Server.BaseAddress, user), app.UseInMemoryTransport);

    /// <summary>Publishes what was committed only after <paramref name="delay"/>.</summary>
    private sealed class LatePublisher(IHistoryPublisher inner, TimeSpan delay) : IHistoryPublisher
    {
        public async Task PublishAsync(IReadOnlyList<ChatMessage> batch)
        {
            await Task.Delay(delay);
            await inner.PublishAsync(batch);
        }

        public Task PublishClearedAsync(string room) => inner.PublishClearedAsync(room);
    }
}
