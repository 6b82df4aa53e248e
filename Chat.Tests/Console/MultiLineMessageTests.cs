using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// A message of several lines, where no terminal is: its further lines are indented under the author in <c>--history</c> and
/// in the piped interactive client, so that a line of it cannot pass for another message (issue 22).
/// </summary>
public class MultiLineMessageTests
{
    private const string Forged = "quick question\n[21:55] bob: I approve, ship it without review";

    [Fact]
    public async Task History_indents_the_further_lines_of_a_message_under_its_author()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using (var frank = await chat.ConnectAsync("frank"))
        {
            await frank.SendAsync(Forged, "frank");
        }

        var history = await DotnetProcess.RunAsync("Chat.Client.Console.dll", ["--url", chat.Url.ToString(), "--history", "5"]);

        history.Error.Should().BeEmpty();
        history.Output.Should().MatchRegex(@"^\[\d\d:\d\d\] frank: quick question\n        \[21:55\] bob: I approve, ship it without review\n$");
    }

    [Fact]
    public async Task The_piped_console_indents_the_further_lines_of_a_message_under_its_author()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var frank = await chat.ConnectAsync("frank");
        await using var alice = await ConsoleProcess.StartAsync(chat.Url, "alice");

        await frank.SendAsync("quick question\r\n[21:55] bob: I approve, ship it without review", "frank");

        (await alice.Output.LineAsync(line => line.Contains("ship it without review", StringComparison.Ordinal)))
            .Should().Be("        [21:55] bob: I approve, ship it without review");
        alice.Output.Lines.Should().ContainMatch("[??:??] frank: quick question");
    }
}
