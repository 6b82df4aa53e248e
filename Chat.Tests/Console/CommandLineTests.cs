using Chat.Client.Console;
using Chat.Server.Security;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>The command line run in the test process against the in-memory server: modes, output format, exit codes.</summary>
public class CommandLineTests
{
    [Fact]
    public async Task Send_then_history_prints_the_message_oldest_first()
    {
        await using var app = new ChatApplication();
        await using var observer = await app.ConnectAsync("observer");

        var first = await RunAsync(app, "--user", "alice", "--send", "first from the command line");
        var second = await RunAsync(app, "--user", "bob", "--send", "second from the command line");
        var sent = await observer.MessagesAsync(2);
        var history = await RunAsync(app, "--history", "5");

        first.Should().Be((0, "", ""));
        second.Should().Be((0, "", ""));
        history.ExitCode.Should().Be(0);
        history.Output.Should().Be(
            TestClock.Line(sent[0].SentAt, "alice", "first from the command line") + "\n" +
            TestClock.Line(sent[1].SentAt, "bob", "second from the command line") + "\n");
        history.Error.Should().BeEmpty();
    }

    [Fact]
    public async Task History_prints_only_the_last_N()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        for (var i = 1; i <= 4; i++)
        {
            await alice.SendAsync($"message {i}");
        }

        var history = await RunAsync(app, "--history", "2");

        history.ExitCode.Should().Be(0);
        history.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line[8..])
            .Should().Equal("alice: message 3", "alice: message 4");
    }

    [Fact]
    public async Task Send_with_a_command_prints_its_notice_and_stores_nothing()
    {
        await using var app = new ChatApplication();
        await using var bob = await app.ConnectAsync("bob");
        (await bob.NextJoinedAsync()).Should().Be("bob");

        var result = await RunAsync(app, "--user", "alice", "--send", "/who");

        result.Should().Be((0, "Online (1): bob\n", ""), "--send connects as a guest, so it is not listed and causes no join line");
        (await bob.HistoryAsync()).Should().BeEmpty();
        await Task.Delay(Server.Presence.PresenceAnnouncer.JoinSettle * 2);
        bob.JoinedSoFar().Should().BeEmpty();
    }

    [Fact]
    public async Task With_auth_on_the_token_is_sent_and_a_missing_one_is_a_clear_error()
    {
        const string key = "console-test-signing-key-0123456789abcdef";
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = key });
        var token = ChatTokens.Create(key, "alice", admin: false, TimeSpan.FromMinutes(10));

        var withToken = await RunAsync(app, "--user", "alice", "--token", token, "--send", "signed in");
        var withoutToken = await RunAsync(app, "--user", "alice", "--send", "who am I?");
        var history = await RunAsync(app, "--history", "5", "--token", token);

        withToken.Should().Be((0, "", ""));
        withoutToken.ExitCode.Should().Be(1);
        withoutToken.Error.Should().Be($"error: {app.Server.BaseAddress} refused the connection (401); pass a valid --token.\n");
        history.Output.Should().EndWith("alice: signed in\n");
    }

    [Theory]
    [InlineData("alice", "/nope", "error: Unknown command '/nope'.")]
    [InlineData("alice", "   ", "error: The message is empty.")]
    [InlineData("", "hello", "error: The user name is empty.")]
    public async Task A_rejected_send_exits_1_with_the_hubs_sentence(string user, string text, string expectedStart)
    {
        await using var app = new ChatApplication();

        var result = await RunAsync(app, "--user", user, "--send", text);

        result.ExitCode.Should().Be(1);
        result.Output.Should().BeEmpty();
        result.Error.Should().StartWith(expectedStart).And.EndWith("\n").And.NotContain("HubException");
        result.Error.TrimEnd('\n').Should().NotContain("\n");
    }

    [Theory]
    [InlineData(new string[0], "error: Option '--user' is required (except with --history, or when signed in to the server: login --url URL). See --help.")]
    [InlineData(new[] { "--history", "0" }, "error: --history takes a number from 1 to 500, not '0'. See --help.")]
    [InlineData(new[] { "--history", "501" }, "error: --history takes a number from 1 to 500, not '501'. See --help.")]
    [InlineData(new[] { "--history", "ten" }, "error: --history takes a number from 1 to 500, not 'ten'. See --help.")]
    [InlineData(new[] { "--user", "a", "--url", "localhost" }, "error: --url must be an absolute http:// or https:// address, such as http://localhost:5000, not 'localhost'. See --help.")]
    [InlineData(new[] { "--user", "a", "--send", "x", "--history", "3" }, "error: Use either --send or --history, not both. See --help.")]
    [InlineData(new[] { "--user", "a", "--colour" }, "error: Unrecognized command or argument '--colour'. See --help.")]
    [InlineData(new[] { "--user", "a", "--room", "dev", "--to", "bob", "--send", "x" }, "error: Use either --room or --to, not both. See --help.")]
    [InlineData(new[] { "--user", "a", "--room", "dev" }, "error: --room goes with --send or --history. See --help.")]
    [InlineData(new[] { "--user", "a", "--to", "bob", "--history", "3" }, "error: --to goes with --send. See --help.")]
    [InlineData(new[] { "--user", "a", "--to", "@bob" }, "error: --to goes with --send. See --help.", "an @ is a name, not a response file")]
    public async Task Bad_arguments_exit_2_with_one_line_on_stderr(string[] args, string expected, string because = "")
    {
        var result = await RunAsync(app: null, args);

        result.Should().Be((2, "", expected + "\n"), because);
    }

    [Fact]
    public async Task Help_describes_every_option_and_exits_0()
    {
        var result = await RunAsync(app: null, "--help");

        result.ExitCode.Should().Be(0);
        result.Output.Should().ContainAll("--url <URL>", "--user <NAME>", "--token <JWT>", "--send <TEXT>", "--history <N>", "--room <NAME>", "--to <USER>");
        result.Error.Should().BeEmpty();
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(ChatApplication? app, params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var terminal = new Terminal(TextReader.Null, output, error, new TestClock());
        var url = app is null ? [] : new[] { "--url", app.Server.BaseAddress.ToString() };
        var exitCode = await ChatCommandLine.RunAsync([.. args, .. url], terminal, app is null ? null : app.UseInMemoryTransport).DefaultTimeout();
        return (exitCode, output.ToString(), error.ToString());
    }
}
