using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>SPEC section 11 from the shell: the real client process with --room and --to, and at the prompt, against a real server process.</summary>
public class ConversationProcessTests
{
    private const string Client = "Chat.Client.Console.dll";

    [Fact]
    public async Task Send_to_a_joined_room_then_its_history_prints_it_as_the_current_room_and_generals_does_not()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using (var alice = await chat.ConnectAsync("alice"))
        {
            await alice.JoinAsync("dev");
        }

        var send = await RunAsync(chat, "--user", "alice", "--room", "#dev", "--send", "to the dev room");
        var room = await RunAsync(chat, "--user", "alice", "--room", "dev", "--history", "5");
        var general = await RunAsync(chat, "--history", "5");

        send.Should().Be(new DotnetProcess.Result(0, "", ""));
        room.Should().Match<DotnetProcess.Result>(r => r.ExitCode == 0 && r.Error == "");
        room.Output.Should().MatchRegex(@"^\[\d\d:\d\d\] alice: to the dev room\n$");
        general.Should().Be(new DotnetProcess.Result(0, "", ""));
    }

    [Fact]
    public async Task Send_to_a_room_not_joined_exits_1_with_the_servers_sentence()
    {
        await using var chat = await ChatProcess.StartAsync();

        var result = await RunAsync(chat, "--user", "alice", "--room", "dev", "--send", "let me in");

        result.Should().Be(new DotnetProcess.Result(1, "", "error: You are not in #dev; join it first.\n"));
    }

    [Fact]
    public async Task Send_to_a_user_is_a_direct_message_only_the_two_can_read()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");

        var send = await RunAsync(chat, "--user", "alice", "--to", "bob", "--send", "psst");
        var received = await bob.NextMessageAsync();
        var bobs = await RunAsync(chat, "--user", "bob", "--room", "@alice", "--history", "5");
        var general = await RunAsync(chat, "--history", "5");

        send.Should().Be(new DotnetProcess.Result(0, "", ""));
        received.Should().Match<ChatMessage>(m => m.Room == "@alice" && m.User == "alice" && m.Text == "psst");
        bobs.Output.Should().MatchRegex(@"^\[\d\d:\d\d\] alice: psst\n$");
        general.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task At_the_prompt_join_then_typed_lines_go_to_the_room_and_msg_to_the_user()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.JoinAsync("dev");

        var result = await DotnetProcess.RunAsync(
            Client, ["--url", chat.Url.ToString(), "--user", "alice"], input: "/join dev\nhello dev\n/msg bob just you\n");
        var received = new[] { await bob.NextMessageAsync(), await bob.NextMessageAsync() };

        result.ExitCode.Should().Be(0);
        result.Error.Should().BeEmpty();
        received.Select(m => (m.Room, m.Text)).Should().Equal(("dev", "hello dev"), ("@alice", "just you"));
        result.Output.Should().Contain("\n* now in #dev\n")
            .And.MatchRegex(@"\n\[\d\d:\d\d\] alice: hello dev\n")
            .And.MatchRegex(@"\n\[\d\d:\d\d\] @bob alice: just you\n");
    }

    private static Task<DotnetProcess.Result> RunAsync(ChatProcess chat, params string[] args) =>
        DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), .. args]);
}
