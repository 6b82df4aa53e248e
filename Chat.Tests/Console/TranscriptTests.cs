using Chat.Client.Console;

namespace Chat.Tests.ConsoleClient;

/// <summary>How the console merges history pages, live messages and replays: by id, no gaps, no duplicates.</summary>
public class TranscriptTests
{
    private static readonly DateTime Noon = new(2026, 1, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Live_messages_that_arrive_while_history_loads_print_after_it_once_and_in_order()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());

        transcript.Live(Message(3));
        transcript.Live(Message(4));
        transcript.History([Message(1), Message(2), Message(3)]);
        transcript.EndCatchUp();
        transcript.Live(Message(5));

        output.Lines.Should().Equal(Lines(1, 2, 3, 4, 5));
        transcript.LastSeenId.Should().Be(5);
    }

    [Fact]
    public void Messages_replayed_or_already_fetched_are_not_printed_again()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.History([Message(1), Message(2)]);
        transcript.EndCatchUp();

        transcript.Live(Message(2));
        transcript.BeginCatchUp();
        transcript.Live(Message(4));
        transcript.History([Message(3), Message(4)]);
        transcript.EndCatchUp();
        transcript.Live(Message(4));

        output.Lines.Should().Equal(Lines(1, 2, 3, 4));
    }

    [Fact]
    public void A_message_line_is_local_time_user_and_text()
    {
        var line = Transcript.Format(new ChatMessage(1, "bob", "hi there", Noon), new TestClock());

        line.Should().Be("[17:30] bob: hi there", "noon UTC is 17:30 at UTC+05:30");
    }

    [Fact]
    public void Control_characters_that_could_drive_the_terminal_are_not_printed()
    {
        var line = Transcript.Format(new ChatMessage(1, "bob", "\u001b[2Jgone?\ttab\nnext", Noon), new TestClock());

        line.Should().Be("[17:30] bob: \uFFFD[2Jgone?\ttab\nnext");
    }

    private static ChatMessage Message(long id) => new(id, "bob", $"message {id}", Noon);

    private static string[] Lines(params long[] ids) => [.. ids.Select(id => $"[17:30] bob: message {id}")];
}
