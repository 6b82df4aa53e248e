using System.Text.RegularExpressions;
using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>SPEC section 8 at a real terminal (tmux): the prompt, what is typed, what comes in meanwhile, colours and /help.</summary>
public partial class TerminalTests
{
    [SkippableFact]
    public async Task A_message_that_comes_in_prints_above_the_half_typed_line_which_stays_intact()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await using var alice = await TerminalSession.StartAsync(chat.Url, "alice");
        await alice.TypeAsync("I am in the middle of typing a long sen");
        await alice.ScreenAsync(screen => screen.Contains("a long sen", StringComparison.Ordinal), "the half-typed line");

        await bob.SendAsync("hi all", "bob");
        (await bob.NextMessageAsync()).Text.Should().Be("hi all");
        var screen = await alice.ScreenAsync(screen => screen.Contains("bob: hi all", StringComparison.Ordinal), "bob's message");

        TerminalSession.Lines(screen).Should().ContainMatch("[??:??] bob: hi all", "the message is a line of its own");
        TerminalSession.InputLine(screen).Should().Be("#general> I am in the middle of typing a long sen", "what is typed stays whole, below");
        await alice.TypeAsync("tence");
        await alice.PressAsync("Enter");
        (await bob.NextMessageAsync()).Text.Should().Be("I am in the middle of typing a long sentence");
    }

    [SkippableFact]
    public async Task The_prompt_names_the_current_conversation_and_follows_join_and_go()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await TerminalSession.StartAsync(chat.Url, "alice");
        await alice.ScreenAsync(screen => TerminalSession.InputLine(screen) == "#general>", "the prompt of #general");

        await alice.TypeAsync("/join dev");
        await alice.PressAsync("Enter");
        await alice.ScreenAsync(screen => TerminalSession.InputLine(screen) == "#dev>", "the prompt of #dev");
        await alice.TypeAsync("/go @bob");
        await alice.PressAsync("Enter");
        await alice.ScreenAsync(screen => TerminalSession.InputLine(screen) == "@bob>", "the prompt of @bob");
        await alice.TypeAsync("/go general");
        await alice.PressAsync("Enter");
        await alice.ScreenAsync(screen => TerminalSession.InputLine(screen) == "#general>", "the prompt of #general");
    }

    [SkippableFact]
    public async Task Up_brings_back_the_line_typed_before()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await using var alice = await TerminalSession.StartAsync(chat.Url, "alice");
        await alice.TypeAsync("once more with feeling");
        await alice.PressAsync("Enter");
        (await bob.NextMessageAsync()).Text.Should().Be("once more with feeling");

        await alice.PressAsync("Up");
        await alice.ScreenAsync(screen => TerminalSession.InputLine(screen) == "#general> once more with feeling", "the line typed before");
        await alice.PressAsync("Enter");

        (await bob.NextMessageAsync()).Text.Should().Be("once more with feeling");
    }

    [SkippableFact]
    public async Task The_further_lines_of_a_multi_line_message_are_indented_under_the_author()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var frank = await chat.ConnectAsync("frank");
        await using var alice = await TerminalSession.StartAsync(chat.Url, "alice");

        await frank.SendAsync("quick question\n[21:55] bob: I approve, ship it without review", "frank");
        var screen = await alice.ScreenAsync(screen => screen.Contains("ship it without review", StringComparison.Ordinal), "frank's message");

        var lines = TerminalSession.Lines(screen);
        var first = lines.ToList().FindIndex(line => line.EndsWith("] frank: quick question", StringComparison.Ordinal));
        first.Should().BeGreaterThanOrEqualTo(0, screen);
        lines[first + 1].Should().Be("        [21:55] bob: I approve, ship it without review", "only a message's first line starts at column 0");
        lines.Should().NotContain(line => line.StartsWith("[21:55] bob:", StringComparison.Ordinal));
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Names_have_a_colour_of_their_own_unless_NO_COLOR_is_set(bool noColor)
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await using var alice = await TerminalSession.StartAsync(chat.Url, "alice", noColor);

        await bob.SendAsync("in colour?", "bob");
        var screen = await alice.ScreenAsync(screen => screen.Contains("in colour?", StringComparison.Ordinal), "bob's message", withEscapes: true);

        var line = screen.Split('\n').Single(line => line.Contains("in colour?", StringComparison.Ordinal));
        if (noColor)
        {
            screen.Should().NotContain("\u001b[", "NO_COLOR is set: no escape sequence at all on the screen");
        }
        else
        {
            line.Should().MatchRegex(@"^\[\d\d:\d\d\] \u001b\[[0-9;]+mbob\u001b\[[0-9;]*m: in colour\?", "bob's name is coloured, and only it");
        }
    }

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Search_marks_matched_words_in_inverse_video_or_between_asterisks_when_NO_COLOR_is_set(bool noColor)
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.SendAsync("time to deploy", "bob");
        await using var alice = await TerminalSession.StartAsync(chat.Url, "alice", noColor);

        await alice.TypeAsync("/search deploy");
        await alice.PressAsync("Enter");
        var screen = await alice.ScreenAsync(screen => screen.Contains("] #general ", StringComparison.Ordinal), "the hit", withEscapes: true);

        var line = screen.Split('\n').Single(line => line.Contains("] #general ", StringComparison.Ordinal));
        if (noColor)
        {
            line.Should().MatchRegex(@"^\[\d\d:\d\d\] #general bob: time to \*deploy\*\s*$");
        }
        else
        {
            line.Should().Contain("time to \u001b[7mdeploy", "the matched word is in inverse video").And.NotContain("*deploy*");
        }
    }

    [SkippableFact]
    public async Task Help_lists_exactly_the_commands_that_work_here()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await TerminalSession.StartAsync(chat.Url, "alice");

        await alice.TypeAsync("/help");
        await alice.PressAsync("Enter");
        var screen = await alice.ScreenAsync(screen => screen.Contains("To send text that starts with /", StringComparison.Ordinal), "the server's part of /help");

        // Joined as the screen wrapped them: a line ends where the next goes on.
        var help = string.Concat(TerminalSession.Lines(screen).SkipWhile(line => !line.StartsWith("* Commands of this console", StringComparison.Ordinal)));
        Commands().Matches(help).Select(match => match.Value).Distinct().Order()
            .Should().Equal(
                [
                    "/ban", "/create", "/delete", "/edit", "/go", "/help", "/invite", "/join", "/kick", "/leave", "/modlog", "/msg", "/mute", "/react",
                    "/reply", "/role", "/rooms", "/search", "/topic", "/unban", "/upload", "/who",
                ],
                "/clear is off on a server without sign-in, and every other command works here");
    }

    // A command where a list names one: after a space, a semicolon or a line start; not "//shrug" nor "/shrug" in quotes.
    [GeneratedRegex(@"(?<=^|[\s;(])/[a-z]+\b")]
    private static partial Regex Commands();
}
