using Chat.Client.Console;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// SPEC section 12 at the console's prompt, against the in-memory server: /reply, /edit, /delete and /react act on the
/// last message of the current conversation, and say what is wrong when there is nothing to act on or the server refuses.
/// </summary>
public class MessageCommandTests
{
    [Fact]
    public async Task Reply_answers_the_last_message_and_the_reply_shows_what_it_answers()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");
        var hello = await bob.SendAsync("hello alice, got a minute?", "bob");
        await alice.Output.MessageLineAsync("bob: hello alice, got a minute?");

        alice.Input.Type("/reply sure, what is it?");

        var reply = await bob.NextMessageAsync(); // bob's own message first
        reply = reply.Id == hello!.Id ? await bob.NextMessageAsync() : reply;
        reply.Should().Match<ChatMessage>(m => m.User == "alice" && m.Text == "sure, what is it?" && m.ReplyTo == hello.Id);
        await alice.Output.MessageLineAsync("alice: ↪ bob: \"hello alice, got a…\" sure, what is it?");
    }

    [Fact]
    public async Task Edit_replaces_the_text_of_ones_own_last_message_though_others_wrote_since()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");
        alice.Input.Type("see you at nine");
        var sent = await bob.NextMessageAsync();
        await bob.SendAsync("ok", "bob");
        await alice.Output.MessageLineAsync("bob: ok");

        alice.Input.Type("/edit see you at ten");

        var edited = await bob.NextUpdateAsync();
        edited.Should().Match<ChatMessage>(m => m.Id == sent.Id && m.Text == "see you at ten" && m.EditedAt != null);
        await alice.Output.LineAsync("* alice edited: see you at ten");
    }

    [Fact]
    public async Task Delete_deletes_ones_own_last_message()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");
        alice.Input.Type("wrong window");
        var sent = await bob.NextMessageAsync();

        alice.Input.Type("/delete");

        var deleted = await bob.NextUpdateAsync();
        deleted.Should().Match<ChatMessage>(m => m.Id == sent.Id && m.Deleted && m.Text == "");
        await alice.Output.LineAsync("* alice deleted a message");
    }

    [Fact]
    public async Task React_adds_the_users_reaction_to_the_last_message()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");
        var shipped = await bob.SendAsync("shipped it", "bob");
        await alice.Output.MessageLineAsync("bob: shipped it");

        alice.Input.Type("/react 🚀");

        var reacted = await bob.NextUpdateAsync();
        reacted.Id.Should().Be(shipped!.Id);
        reacted.Reactions.Should().ContainSingle().Which.Should().Match<Reaction>(r => r.Emoji == "🚀" && r.Users.SequenceEqual(new[] { "alice" }));
        await alice.Output.LineAsync("* alice reacted 🚀 to bob: \"shipped it\"");
    }

    [Fact]
    public async Task With_nothing_to_act_on_each_command_says_so_and_changes_nothing()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");

        foreach (var line in (string[])["/reply anyone?", "/react 👍", "/edit oops", "/delete"])
        {
            alice.Input.Type(line);
        }

        await alice.Output.LineAsync("error: There is no message of yours in #general to delete.");
        await bob.SendAsync("only bob has written", "bob");
        await alice.Output.MessageLineAsync("bob: only bob has written");
        alice.Input.Type("/edit not mine");
        alice.Input.Type("/delete");
        alice.Input.Type("/rooms"); // lines run in turn: once it answers, the two above have
        await alice.Output.LineAsync(line => line.StartsWith("* #general:", StringComparison.Ordinal));

        alice.Output.Lines.Where(line => line.StartsWith("error:", StringComparison.Ordinal)).Should().Equal(
            "error: There is no message in #general to reply to.",
            "error: There is no message in #general to react to.",
            "error: There is no message of yours in #general to edit.",
            "error: There is no message of yours in #general to delete.",
            "error: There is no message of yours in #general to edit.",
            "error: There is no message of yours in #general to delete.");
        bob.UpdatesSoFar().Should().BeEmpty();
        (await bob.AllHistoryAsync()).Select(m => m.Text).Should().Equal("only bob has written");
    }

    [Fact]
    public async Task A_refused_command_shows_the_servers_sentence()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await using var alice = await StartAsync(app, "alice");
        await bob.SendAsync("react to me", "bob");
        await alice.Output.MessageLineAsync("bob: react to me");

        alice.Input.Type("/react x");
        var error = await alice.Output.LineAsync(line => line.StartsWith("error:", StringComparison.Ordinal));

        error.Should().Be("error: A reaction is one emoji (such as 👍 or 🎉; skin tones and joined emoji count as one), at most 32 UTF-16 units; \"x\" is not.");
    }

    [Fact]
    public async Task Acts_on_the_current_conversation_only()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var alice = await StartAsync(app, "alice");
        alice.Input.Type("in general");
        var general = await bob.NextMessageAsync();
        alice.Input.Type("/join dev");
        await alice.Output.LineAsync("* now in #dev");
        await bob.SendToAsync("dev", "in dev");
        await alice.Output.MessageLineAsync("bob: in dev");

        alice.Input.Type("/delete");
        await alice.Output.LineAsync("error: There is no message of yours in #dev to delete.");
        alice.Input.Type("/go general");
        await alice.Output.LineAsync("* now in #general");
        alice.Input.Type("/edit in general, edited");

        var edited = await bob.NextUpdateAsync();
        edited.Should().Match<ChatMessage>(m => m.Id == general.Id && m.Room == "general" && m.Text == "in general, edited");
        await alice.Output.LineAsync("* alice edited: in general, edited");
    }

    [Fact]
    public async Task Changes_in_another_conversation_print_with_its_name_and_go_shows_them_as_they_now_are()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        var first = await bob.SendToAsync("dev", "first take");
        var second = await bob.SendToAsync("dev", "second thought");
        await using var alice = await StartAsync(app, "alice");
        alice.Input.Type("/join dev");
        await alice.Output.LineAsync("* now in #dev");
        alice.Input.Type("/go general");
        await alice.Output.LineAsync("* now in #general");

        await bob.EditAsync("dev", first!.Id, "first take, revised");
        await bob.DeleteAsync("dev", second!.Id);
        await alice.Output.LineAsync("* #dev bob edited: first take, revised");
        await alice.Output.LineAsync("* #dev bob deleted a message");
        alice.Input.Type("/go dev");
        await alice.Output.LineAsync(line => line.EndsWith("(message deleted)", StringComparison.Ordinal));

        var lines = alice.Output.Lines.ToList();
        lines[(lines.LastIndexOf("* now in #dev") + 1)..].Where(line => line.StartsWith('[')).Select(line => line[8..])
            .Should().Equal("bob: first take, revised (edited)", "bob: (message deleted)");
    }

    [Fact]
    public async Task Help_lists_the_consoles_commands_then_the_servers()
    {
        await using var app = new ChatApplication();
        await using var alice = await StartAsync(app, "alice");

        alice.Input.Type("/help");

        await alice.Output.LineAsync(line => line.StartsWith("* Commands: /help", StringComparison.Ordinal));
        alice.Output.Lines.Should().Contain(line => line.StartsWith("*  /reply TEXT", StringComparison.Ordinal))
            .And.Contain(line => line.StartsWith("*  /edit TEXT", StringComparison.Ordinal))
            .And.Contain(line => line.StartsWith("*  /delete", StringComparison.Ordinal))
            .And.Contain(line => line.StartsWith("*  /react EMOJI", StringComparison.Ordinal))
            .And.Contain(line => line.StartsWith("*  /join NAME", StringComparison.Ordinal));
    }

    private static Task<InteractiveRun> StartAsync(ChatApplication app, string user) =>
        InteractiveRun.StartAsync(new ChatEndpoint(app.Server.BaseAddress, user), app.UseInMemoryTransport);
}
