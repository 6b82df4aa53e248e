using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// SPEC section 12 with real processes: the console client's /reply, /edit, /delete and /react against a real server
/// process, and the change lines another console prints for them.
/// </summary>
public class MessageProcessTests
{
    private const string Client = "Chat.Client.Console.dll";

    [Fact]
    public async Task Reply_at_the_prompt_answers_the_last_message_and_shows_what_it_answers()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        var question = await bob.SendAsync("lunch at noon?", "bob");
        await bob.NextMessageAsync();

        var alice = await RunAsync(chat, "alice", "/reply yes, see you there\n");
        var reply = await bob.NextMessageAsync();

        alice.Should().Match<DotnetProcess.Result>(r => r.ExitCode == 0 && r.Error == "");
        reply.Should().Match<ChatMessage>(m => m.User == "alice" && m.Text == "yes, see you there" && m.ReplyTo == question!.Id);
        alice.Output.Should().MatchRegex(@"\n\[\d\d:\d\d\] alice: ↪ bob: ""lunch at noon\?"" yes, see you there\n");
    }

    [Fact]
    public async Task Edit_at_the_prompt_replaces_the_text_of_ones_last_message()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");

        var alice = await RunAsync(chat, "alice", "the build is red\n/edit the build is green\n");
        var sent = await bob.NextMessageAsync();
        var edited = await bob.NextUpdateAsync();

        alice.Should().Match<DotnetProcess.Result>(r => r.ExitCode == 0 && r.Error == "");
        edited.Should().Match<ChatMessage>(m => m.Id == sent.Id && m.Text == "the build is green" && m.EditedAt != null);
        alice.Output.Should().EndWith("\n* alice edited: the build is green\n", "at end of input it waits for its own change to come back");
    }

    [Fact]
    public async Task Delete_at_the_prompt_deletes_ones_last_message()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");

        var alice = await RunAsync(chat, "alice", "posted in the wrong place\n/delete\n");
        var sent = await bob.NextMessageAsync();
        var deleted = await bob.NextUpdateAsync();

        alice.Should().Match<DotnetProcess.Result>(r => r.ExitCode == 0 && r.Error == "");
        deleted.Should().Match<ChatMessage>(m => m.Id == sent.Id && m.Deleted && m.Text == "");
        (await bob.HistoryAsync()).Should().ContainSingle().Which.Deleted.Should().BeTrue();
    }

    [Fact]
    public async Task React_at_the_prompt_adds_a_reaction_to_the_last_message()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        var shipped = await bob.SendAsync("shipped it", "bob");

        var alice = await RunAsync(chat, "alice", "/react 🎉\n");
        var reacted = await bob.NextUpdateAsync();

        alice.Should().Match<DotnetProcess.Result>(r => r.ExitCode == 0 && r.Error == "");
        reacted.Id.Should().Be(shipped!.Id);
        reacted.Reactions.Should().ContainSingle().Which.Should().Match<Reaction>(r => r.Emoji == "🎉" && r.Users.SequenceEqual(new[] { "alice" }));
    }

    [Fact]
    public async Task Another_console_prints_the_reply_the_edit_the_reaction_and_the_delete()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await using var carol = await ConsoleProcess.StartAsync(chat.Url, "carol");
        await bob.SendAsync("lunch at noon? the usual place by the river", "bob");
        await carol.Output.MessageLineAsync("bob: lunch at noon? the usual place by the river");

        var alice = await RunAsync(chat, "alice", "/reply yes\n/edit yes, at noon\n/react 🎉\n/delete\n");
        await carol.Output.LineAsync("* alice deleted a message");

        alice.Should().Match<DotnetProcess.Result>(r => r.ExitCode == 0 && r.Error == "");
        // Presence lines (alice's arrival and departure) may come in between.
        carol.Output.Lines.Where(line => line.StartsWith('[') || (line.StartsWith("* alice ", StringComparison.Ordinal) && !line.EndsWith(" joined", StringComparison.Ordinal) && !line.EndsWith(" left", StringComparison.Ordinal)))
            .Select(line => line.StartsWith('[') ? line[8..] : line).Should().Equal(
            "bob: lunch at noon? the usual place by the river",
            "alice: ↪ bob: \"lunch at noon? the usual…\" yes",
            "* alice edited: yes, at noon",
            "* alice reacted 🎉 to alice: \"yes, at noon\"",
            "* alice deleted a message");
        (await carol.EndAsync()).Should().Be(0);
        carol.Errors.Should().BeEmpty();
    }

    private static Task<DotnetProcess.Result> RunAsync(ChatProcess chat, string user, string input) =>
        DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), "--user", user], input);
}
