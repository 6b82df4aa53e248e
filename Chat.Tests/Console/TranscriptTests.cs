using Chat.Client.Console;

namespace Chat.Tests.ConsoleClient;

/// <summary>How the console prints the client's stream and the pages <c>/join</c> and <c>/go</c> show: by id, no gaps, no duplicates.</summary>
public class TranscriptTests
{
    private static readonly DateTime Noon = new(2026, 1, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_joined_rooms_recent_messages_print_once_without_hiding_earlier_ones_still_on_their_way()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1));

        transcript.Current = "dev";
        transcript.Joined([Message(3, "dev"), Message(4, "dev")]);
        transcript.Live(Message(2)); // general's, sent before them, still on its way
        transcript.Live(Message(3, "dev")); // the client's stream brings the room's messages too
        transcript.Live(Message(4, "dev"));
        transcript.Live(Message(5, "dev"));

        output.Lines.Should().Equal("[17:30] bob: message 1", "[17:30] bob: message 3", "[17:30] bob: message 4", "[17:30] #general bob: message 2", "[17:30] bob: message 5");
        transcript.LastSeenId.Should().Be(5);
    }

    [Fact]
    public void A_joined_rooms_messages_printed_ahead_show_again_when_it_becomes_current_again()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1));
        transcript.Current = "dev";
        transcript.Joined([Message(3, "dev")]);
        transcript.Current = "general";

        transcript.Current = "dev";
        transcript.Recent([Message(3, "dev"), Message(5, "dev")]);

        output.Lines.Should().Equal(Lines(1, 3, 3), "5 is newer than anything seen or printed: it comes live");
    }

    [Fact]
    public void A_message_line_is_local_time_user_and_text()
    {
        var line = MessageLines.Message(new ChatMessage(1, "general", "bob", "hi there", Noon), new TestClock());

        line.Should().Be("[17:30] bob: hi there", "noon UTC is 17:30 at UTC+05:30");
    }

    [Fact]
    public void A_bots_message_line_says_so_after_its_name()
    {
        var line = MessageLines.Message(new ChatMessage(1, "dev", "deploybot", "v2 is out", Noon) { Bot = true }, new TestClock(), current: "dev");

        line.Should().Be("[17:30] deploybot [bot]: v2 is out");
    }

    [Fact]
    public void Control_characters_that_could_drive_the_terminal_are_not_printed()
    {
        var line = MessageLines.Message(new ChatMessage(1, "general", "bob", "\u001b[2Jgone?\ttab\nnext", Noon), new TestClock());

        line.Should().Be("[17:30] bob: \uFFFD[2Jgone?\ttab\n        next");
    }

    [Theory]
    [InlineData("general", "[17:30] frank: quick question\n        [21:55] bob: ship it")]
    [InlineData("dev", "[17:30] #dev frank: quick question\n             [21:55] bob: ship it")]
    [InlineData("@開発", "[17:30] @開発 frank: quick question\n              [21:55] bob: ship it")] // a direct conversation with 開発, a name of 4 columns
    public void The_further_lines_of_a_message_are_indented_under_its_author(string room, string expected)
    {
        var line = MessageLines.Message(new ChatMessage(1, room, "frank", "quick question\r\n[21:55] bob: ship it", Noon), new TestClock());

        line.Should().Be(expected, "only a message's first line starts at column 0, so none of its lines can pass for another message");
    }

    [Theory]
    [InlineData("general", "general", "[17:30] bob: hi")]
    [InlineData("dev", "general", "[17:30] #dev bob: hi")]
    [InlineData("@bob", "general", "[17:30] @bob bob: hi")]
    [InlineData("dev", "dev", "[17:30] bob: hi")]
    [InlineData("general", "dev", "[17:30] #general bob: hi")]
    [InlineData("@bob", "@bob", "[17:30] bob: hi")]
    public void A_message_of_another_conversation_names_it_before_the_sender(string room, string current, string expected)
    {
        var line = MessageLines.Message(new ChatMessage(1, room, "bob", "hi", Noon), new TestClock(), current);

        line.Should().Be(expected);
    }

    [Fact]
    public void After_the_current_conversation_changes_its_messages_print_plain_and_generals_with_a_prefix()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());

        transcript.Live(Message(1));
        transcript.Current = "dev";
        transcript.Live(Message(2, "dev"));
        transcript.Live(Message(3));

        output.Lines.Should().Equal("[17:30] bob: message 1", "[17:30] bob: message 2", "[17:30] #general bob: message 3");
    }

    [Fact]
    public void Recent_messages_print_again_but_not_those_still_to_come_and_the_last_seen_id_stays()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        foreach (var message in (ChatMessage[])[Message(1, "dev"), Message(2), Message(3, "dev")])
        {
            transcript.Live(message);
        }

        transcript.Current = "dev";

        transcript.Recent([Message(1, "dev"), Message(3, "dev"), Message(4, "dev")]);
        transcript.Live(Message(4, "dev"));

        output.Lines.Should().Equal(
            "[17:30] #dev bob: message 1", "[17:30] bob: message 2", "[17:30] #dev bob: message 3",
            "[17:30] bob: message 1", "[17:30] bob: message 3",
            "[17:30] bob: message 4");
        transcript.LastSeenId.Should().Be(4);
    }

    [Fact]
    public void What_was_read_is_the_newest_message_printed_in_the_current_conversation_since_it_became_current()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());

        transcript.Live(Message(1));
        transcript.Live(Message(2, "dev"));
        var inGeneral = transcript.CurrentRead;
        transcript.Current = "dev";
        var justSwitched = transcript.CurrentRead;
        transcript.Live(Message(3, "dev"));
        transcript.Live(Message(4, "@bob"));

        inGeneral.Should().Be(("general", 1L));
        justSwitched.Should().Be(("dev", 0L), "message 2 was printed as another room's");
        transcript.CurrentRead.Should().Be(("dev", 3L));
    }

    [Fact]
    public void A_message_without_a_room_from_a_server_before_rooms_is_printed_and_remembered_as_generals()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());

        transcript.Live(new ChatMessage(1, null!, "bob", "from an older server", Noon));

        output.Lines.Should().Equal("[17:30] bob: from an older server");
        transcript.LastMessage("general")!.Text.Should().Be("from an older server");
    }

    private static ChatMessage Message(long id, string room = "general") => new(id, room, "bob", $"message {id}", Noon);

    private static string[] Lines(params long[] ids) => [.. ids.Select(id => $"[17:30] bob: message {id}")];
}
