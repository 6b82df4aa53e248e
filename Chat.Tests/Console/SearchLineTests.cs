using Chat.Client.Console;
using Spectre.Console;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// How the console prints what <c>/search</c> found (SPEC section 14): a line that says how many, then each hit as its message
/// line, naming its conversation, with the matched words marked where the server's highlights (UTF-16 offsets) put them.
/// </summary>
public class SearchLineTests
{
    private static readonly DateTime Noon = new(2026, 1, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_hit_names_its_conversation_even_general_and_marks_its_matched_words_between_asterisks_without_colours()
    {
        var hit = Hit("general", "deploy the build now", [0, 6], [11, 5]);

        MessageLines.Found(hit, new TestClock()).Should().Be("[17:30] #general bob: *deploy* the *build* now");
    }

    [Fact]
    public void A_match_in_a_further_line_is_marked_there_and_the_line_stays_indented_under_the_author()
    {
        // "first line" is 10 code units and \r\n two: "then " starts at 12, "deploy" at 17.
        var hit = Hit("dev", "first line\r\nthen deploy\nend", [17, 6], [24, 3]);

        MessageLines.Found(hit, new TestClock()).Should().Be(
            "[17:30] #dev bob: first line\n" +
            "             then *deploy*\n" +
            "             *end*");
    }

    [Fact]
    public void Offsets_count_utf16_code_units_and_further_lines_are_indented_by_terminal_columns_with_wide_characters()
    {
        // 🚀 is two code units; 開 and 発 one each but two columns each, in the text and in the room's name.
        var hit = Hit("開発", "🚀 ship 開発版\n続き 開発", [3, 4], [8, 2], [15, 2]);

        MessageLines.Found(hit, new TestClock()).Should().Be(
            "[17:30] #開発 bob: 🚀 *ship* *開発*版\n" +
            "              続き *開発*");
    }

    [Fact]
    public void A_match_across_a_line_break_is_marked_on_each_line_and_the_indentation_is_not()
    {
        var hit = Hit("dev", "one\ntwo three", [0, 7]);

        MessageLines.Found(hit, new TestClock()).Should().Be(
            "[17:30] #dev bob: *one*\n" +
            "             *two* three");
    }

    [Fact]
    public void Highlights_out_of_order_overlapping_past_the_end_or_inside_a_character_mark_whole_characters_once()
    {
        var hit = Hit("dev", "🚀go now", [5, 99], [1, 3], [2, 1]);

        MessageLines.Found(hit, new TestClock()).Should().Be("[17:30] #dev bob: *🚀go* *now*");
    }

    [Fact]
    public void A_highlight_that_starts_between_cr_and_lf_does_not_break_the_line_twice()
    {
        var hit = Hit("dev", "a\r\nb", [2, 2]);

        MessageLines.Found(hit, new TestClock()).Should().Be(
            "[17:30] #dev bob: a\n" +
            "             *b*");
    }

    [Fact]
    public void Control_characters_in_a_matched_range_are_not_printed_either()
    {
        var hit = Hit("dev", "\u001b[2Jdeploy", [0, 10]);

        MessageLines.Found(hit, new TestClock()).Should().Be("[17:30] #dev bob: *\uFFFD[2Jdeploy*");
    }

    [Fact]
    public void At_a_terminal_with_colours_matched_words_are_in_inverse_video_and_nothing_else_marks_them()
    {
        var colours = NameColours.For(AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            ColorSystem = ColorSystemSupport.Standard,
            Out = new AnsiConsoleOutput(new StringWriter()),
        }));
        var hit = Hit("dev", "please deploy *now*", [7, 6]);

        var line = MessageLines.Found(hit, new TestClock(), names: colours);

        line.Should().EndWith(": please \u001b[7mdeploy\u001b[27m *now*", "the asterisks are the sender's own");
        line.Should().StartWith("[17:30] #dev \u001b[", "the name is in its colour");
    }

    [Theory]
    [InlineData(0, "* No message matches \"deploy\".")]
    [InlineData(1, "* 1 message matches \"deploy\":")]
    [InlineData(3, "* 3 messages match \"deploy\":")]
    public void The_line_before_the_hits_says_how_many_match_the_query(int count, string expected)
    {
        MessageLines.Matches("deploy", count).Should().Be(expected);
    }

    [Fact]
    public void Hits_print_after_that_line_newest_first_and_are_not_what_reply_acts_on()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(new ChatMessage(9, "general", "carol", "latest", Noon));

        transcript.Found("deploy", [Hit("dev", "deploy now", [0, 6]), Hit("general", "deploy later", [0, 6])]);

        output.Lines.Should().Equal(
            "[17:30] carol: latest",
            "* 2 messages match \"deploy\":",
            "[17:30] #dev bob: *deploy* now",
            "[17:30] #general bob: *deploy* later");
        transcript.LastMessage("general")!.Text.Should().Be("latest");
        transcript.CurrentRead.NewestShown.Should().Be(9);
    }

    private static SearchHit Hit(string room, string text, params int[][] highlights) =>
        new(new ChatMessage(1, room, "bob", text, Noon), highlights);
}
