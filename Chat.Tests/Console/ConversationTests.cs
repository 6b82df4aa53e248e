using Chat.Testing;
using Chat.Client.Console;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// SPEC section 11 at the console's prompt, against a real server process: /join, /leave, /rooms, /go, /msg,
/// the room events, and how messages of the current and the other conversations are printed.
/// </summary>
public class ConversationTests
{
    [Fact]
    public async Task Join_makes_the_room_current_so_typed_lines_go_there_and_general_gets_a_prefix()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var alice = await StartAsync(chat, "alice");

        alice.Input.Type("/join #dev");
        await alice.Output.LineAsync("* now in #dev");
        alice.Input.Type("hello dev");
        var typed = await bob.NextMessageAsync();
        await bob.SendToAsync("dev", "from bob in dev");
        await bob.SendAsync("from bob in general", "bob");

        typed.Should().Match<ChatMessage>(m => m.Room == "dev" && m.User == "alice" && m.Text == "hello dev");
        await alice.Output.MessageLineAsync("#general bob: from bob in general");
        alice.Output.MessageBodies.Should().Equal("alice: hello dev", "bob: from bob in dev", "#general bob: from bob in general");
        alice.Output.Lines.Should().Contain("* alice joined #dev");
    }

    [Fact]
    public async Task Leave_ends_the_membership_and_general_becomes_current_again()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var alice = await StartAsync(chat, "alice");
        alice.Input.Type("/join dev");
        await alice.Output.LineAsync("* now in #dev");

        alice.Input.Type("/leave dev");
        await alice.Output.LineAsync("* now in #general");
        alice.Input.Type("back in general");
        var typed = await bob.NextMessageAsync();
        await bob.SendToAsync("dev", "alice is gone");
        await bob.SendAsync("after the leave", "bob");

        typed.Room.Should().Be("general");
        await alice.Output.MessageLineAsync("bob: after the leave");
        alice.Output.Lines.Should().Contain("* alice left #dev");
        alice.Output.MessageBodies.Should().Equal("alice: back in general", "bob: after the leave"); // ids come in order: #dev's would be before
    }

    [Fact]
    public async Task Rooms_lists_each_conversation_with_its_unread_count_and_the_current_one_read_as_printed()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await bob.JoinAsync("ops");
        await using var alice = await StartAsync(chat, "alice");
        alice.Input.Type("/join ops");
        await alice.Output.LineAsync("* now in #ops");
        alice.Input.Type("/join dev");
        await alice.Output.LineAsync("* now in #dev");
        await bob.SendToAsync("ops", "one");
        await bob.SendToAsync("ops", "two");
        await bob.SendToAsync("dev", "seen in the current room");
        await bob.SendToAsync("@alice", "psst");
        await alice.Output.MessageLineAsync("@bob bob: psst");

        alice.Input.Type("/rooms");

        await alice.Output.LineAsync("* @bob: 1 unread");
        await alice.Output.LineAsync("* #ops: 2 unread");
        alice.Output.Lines.Should().ContainInOrder("* #general: 0 unread", "* #dev: 0 unread (current)");
    }

    [Fact]
    public async Task Go_makes_a_joined_room_current_prints_its_recent_messages_and_marks_them_read()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await bob.SendToAsync("dev", "before alice joined");
        await using var alice = await StartAsync(chat, "alice");
        alice.Input.Type("/join dev");
        await alice.Output.LineAsync("* now in #dev");
        alice.Input.Type("/go general");
        await alice.Output.LineAsync("* now in #general");
        await bob.SendToAsync("dev", "while alice is in general");
        await alice.Output.MessageLineAsync("#dev bob: while alice is in general");

        alice.Input.Type("/go #dev");
        await alice.Output.LineAsync("* now in #dev");
        alice.Input.Type("/rooms");
        await alice.Output.LineAsync(line => line.StartsWith("* #dev:", StringComparison.Ordinal));

        var lines = alice.Output.Lines.ToList();
        lines[(lines.LastIndexOf("* now in #dev") + 1)..].Where(line => line.StartsWith('[')).Select(line => line[8..])
            .Should().Equal("bob: before alice joined", "bob: while alice is in general");
        lines.Should().Contain("* #dev: 0 unread (current)");
    }

    [Fact]
    public async Task Join_prints_the_rooms_recent_messages_and_marks_them_read()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await bob.SendToAsync("dev", "what you missed");
        await bob.SendToAsync("dev", "and this too");
        await using var alice = await StartAsync(chat, "alice");

        alice.Input.Type("/join dev");
        await alice.Output.LineAsync("* now in #dev");
        await alice.Output.MessageLineAsync("bob: and this too");
        alice.Input.Type("/rooms");
        await alice.Output.LineAsync(line => line.StartsWith("* #dev:", StringComparison.Ordinal));

        alice.Output.MessageBodies.Should().Equal("bob: what you missed", "bob: and this too");
        alice.Output.Lines.Should().Contain("* #dev: 0 unread (current)");
    }

    [Fact]
    public async Task Go_to_a_room_not_joined_is_refused_and_the_current_conversation_stays()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await using var alice = await StartAsync(chat, "alice");

        alice.Input.Type("/go nowhere");
        var error = await alice.Output.LineAsync(line => line.StartsWith("error:", StringComparison.Ordinal));
        alice.Input.Type("still in general");

        error.Should().Be("error: You are not in #nowhere; join it first.");
        (await bob.NextMessageAsync()).Room.Should().Be("general");
        alice.Output.Lines.Should().NotContain("* now in #nowhere");
    }

    [Fact]
    public async Task Msg_sends_a_direct_message_and_leaves_the_current_conversation_as_it_was()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await using var alice = await StartAsync(chat, "alice");

        alice.Input.Type("/msg bob hi bob");
        var direct = await bob.NextMessageAsync();
        alice.Input.Type("to everyone");
        var general = await bob.NextMessageAsync();
        await bob.SendToAsync("@alice", "hi alice");

        direct.Should().Match<ChatMessage>(m => m.Room == "@alice" && m.User == "alice" && m.Text == "hi bob");
        general.Room.Should().Be("general");
        await alice.Output.MessageLineAsync("@bob bob: hi alice");
        alice.Output.MessageBodies.Should().Equal("@bob alice: hi bob", "alice: to everyone", "@bob bob: hi alice");
    }

    [Fact]
    public async Task Go_to_an_at_user_makes_the_direct_conversation_current()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.SendToAsync("@alice", "earlier, to alice");
        await bob.NextMessageAsync(); // bob's own copy
        await using var alice = await StartAsync(chat, "alice");

        alice.Input.Type("/go @bob");
        await alice.Output.LineAsync("* now in @bob");
        alice.Input.Type("typed in @bob");
        var typed = await bob.NextMessageAsync();
        await bob.SendAsync("meanwhile in general", "bob");

        typed.Should().Match<ChatMessage>(m => m.Room == "@alice" && m.Text == "typed in @bob");
        await alice.Output.MessageLineAsync("#general bob: meanwhile in general");
        var lines = alice.Output.Lines.ToList();
        lines[(lines.IndexOf("* now in @bob") + 1)..].Where(line => line.StartsWith('[')).Select(line => line[8..])
            .Should().Equal("bob: earlier, to alice", "alice: typed in @bob", "#general bob: meanwhile in general");
    }

    [Fact]
    public async Task Others_joining_and_leaving_a_room_and_clearing_it_are_shown_as_lines()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:AllowClearWithoutSignIn", "true");
        await using var alice = await StartAsync(chat, "alice");
        alice.Input.Type("/join dev");
        await alice.Output.LineAsync("* now in #dev");
        await using var bob = await chat.ConnectAsync("bob");

        await bob.JoinAsync("dev");
        await alice.Output.LineAsync("* bob joined #dev");
        await bob.SendToAsync("dev", "/clear");
        await alice.Output.LineAsync("* #dev cleared");
        await bob.LeaveAsync("dev");
        await alice.Output.LineAsync("* bob left #dev");

        alice.Output.Lines.Should().NotContain("* history cleared", "only #dev was cleared");
    }

    private static Task<InteractiveRun> StartAsync(ChatProcess chat, string user) =>
        InteractiveRun.StartAsync(new ChatEndpoint(chat.Url, user), _ => { });
}
