using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>The real client process against a real server process: exit codes, stdout and stderr as a shell sees them.</summary>
public sealed class ClientProcessTests : IAsyncLifetime
{
    private readonly string _database = ChatApplication.NewDatabasePath();
    private ChatProcess? _server;

    private const string Client = "Chat.Client.Console.dll";

    private string Url => _server!.Url.ToString();

    public async Task InitializeAsync() => _server = await ChatProcess.StartOnAsync(_database);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        ChatApplication.DeleteDatabase(_database);
    }

    [Fact]
    public async Task Send_exits_0_and_history_then_shows_the_message()
    {
        var send = await DotnetProcess.RunAsync(Client, ["--url", Url, "--user", "alice", "--send", "sent by a real process"]);
        var history = await DotnetProcess.RunAsync(Client, ["--url", Url, "--history", "5"]);

        send.Should().Be(new DotnetProcess.Result(0, "", ""));
        history.ExitCode.Should().Be(0);
        history.Output.Should().MatchRegex(@"^\[\d\d:\d\d\] alice: sent by a real process\n$");
        history.Error.Should().BeEmpty();
    }

    [Fact]
    public async Task A_rejected_message_exits_1_with_the_hubs_sentence_and_no_stack_trace()
    {
        var result = await DotnetProcess.RunAsync(Client, ["--url", Url, "--user", "alice", "--send", new string('x', 3000)]);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().Equal("error: The message is 3000 characters long; at most 2000 are allowed. Shorten it or split it in parts.");
        result.Error.Should().NotContain("   at ");
        result.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task A_user_name_the_server_refuses_exits_1_with_its_reason()
    {
        var result = await DotnetProcess.RunAsync(Client, ["--url", Url, "--user", new string('n', 40)], input: "hello\n");

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().Equal("error: The user name is 40 characters long; at most 32 are allowed.");
    }

    [Fact]
    public async Task Interactive_mode_sends_each_stdin_line_and_exits_0_at_end_of_input()
    {
        var result = await DotnetProcess.RunAsync(Client, ["--url", Url, "--user", "alice"], input: "typed into a pipe\n\n");

        result.ExitCode.Should().Be(0);
        result.Error.Should().BeEmpty();
        result.Output.Should().MatchRegex(@"\n\[\d\d:\d\d\] alice: typed into a pipe\n");
    }

    [Fact]
    public async Task An_unreachable_server_exits_1_with_one_clear_line()
    {
        var result = await DotnetProcess.RunAsync(Client, ["--url", "http://127.0.0.1:1", "--user", "alice", "--send", "anyone there?"]);

        result.ExitCode.Should().Be(1);
        result.ErrorLines.Should().Equal("error: cannot reach http://127.0.0.1:1/: Connection refused");
        result.Output.Should().BeEmpty();
    }

    [Fact]
    public async Task Bad_arguments_exit_2_with_one_line_and_no_help_text()
    {
        var result = await DotnetProcess.RunAsync(Client, ["--history", "1000"]);

        result.Should().Be(new DotnetProcess.Result(2, "", "error: --history takes a number from 1 to 500, not '1000'. See --help.\n"));
    }
}
