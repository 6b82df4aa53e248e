using Chat.Client.Console;

namespace Chat.Tests.ConsoleClient;

/// <summary>
/// How the console prints changes to messages (SPEC section 12): what changed since it last saw the message, a line each,
/// in position order, never twice and never back; replies with what they answer; and what the commands act on.
/// </summary>
public class ChangeLineTests
{
    private static readonly DateTime Noon = new(2026, 1, 2, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void An_edit_of_a_shown_message_prints_who_edited_it_and_the_new_text()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1));

        transcript.Updated(Message(1) with { Text = "message 1, corrected", EditedAt = Noon, Version = 2 });

        output.Lines.Should().Equal("[17:30] bob: message 1", "* bob edited: message 1, corrected");
    }

    [Fact]
    public void A_delete_of_a_shown_message_prints_who_deleted_a_message()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1));

        transcript.Updated(Message(1) with { Text = "", Deleted = true, Version = 2 });

        output.Lines.Should().Equal("[17:30] bob: message 1", "* bob deleted a message");
    }

    [Fact]
    public void A_reaction_added_prints_who_reacted_to_whose_message_with_its_start_and_one_taken_off_prints_nothing()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        var hello = new ChatMessage(1, "general", "alice", "hello everyone, how is the release going?", Noon);
        transcript.Live(hello);

        transcript.Updated(hello with { Reactions = [new Reaction("👍", ["bob"])], Version = 2 });
        transcript.Updated(hello with { Reactions = [new Reaction("👍", ["bob", "carol"]), new Reaction("🎉", ["bob"])], Version = 3 });
        transcript.Updated(hello with { Reactions = [new Reaction("🎉", ["bob"])], Version = 4 });

        output.Lines.Should().Equal(
            "[17:30] alice: hello everyone, how is the release going?",
            "* bob reacted 👍 to alice: \"hello everyone, how is…\"",
            "* carol reacted 👍 to alice: \"hello everyone, how is…\"",
            "* bob reacted 🎉 to alice: \"hello everyone, how is…\"");
        transcript.LastSeenId.Should().Be(4, "the removal was seen, though it prints nothing");
    }

    [Theory]
    [InlineData("dev", "* #dev bob edited: new text")]
    [InlineData("@bob", "* @bob bob edited: new text")]
    [InlineData("general", "* bob edited: new text")]
    public void A_change_in_another_conversation_names_it_before_the_user_as_its_messages_do(string room, string expected)
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1, room));

        transcript.Updated(Message(1, room) with { Text = "new text", EditedAt = Noon, Version = 2 });

        output.Lines[^1].Should().Be(expected);
    }

    [Fact]
    public void A_message_changed_before_it_was_shown_prints_as_the_message_it_now_is_and_a_deleted_one_not_at_all()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1));

        transcript.Updated(Message(2) with { Text = "written, then corrected", EditedAt = Noon, Reactions = [new Reaction("👍", ["carol"])], Version = 4 });
        transcript.Updated(Message(3) with { Text = "", Deleted = true, Version = 5 });
        transcript.Updated(Message(2) with { Text = "corrected again", EditedAt = Noon, Reactions = [new Reaction("👍", ["carol"])], Version = 6 });

        output.Lines.Should().Equal(
            "[17:30] bob: message 1",
            "[17:30] bob: written, then corrected (edited) [👍 1]",
            "* bob edited: corrected again");
    }

    [Fact]
    public void A_change_goes_no_further_back_than_what_was_shown_and_prints_once()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1, "dev"));
        transcript.Live(Message(2));
        transcript.Current = "dev";

        // /go dev shows message 1 as it is now, edited at position 3, before the stream brings that edit.
        transcript.Recent([Message(1, "dev") with { Text = "edited", EditedAt = Noon, Version = 3 }]);
        transcript.Updated(Message(1, "dev") with { Text = "edited", EditedAt = Noon, Version = 3 });

        output.Lines.Should().Equal("[17:30] #dev bob: message 1", "[17:30] bob: message 2", "[17:30] bob: edited (edited)");
        transcript.LastSeenId.Should().Be(3);
    }

    [Fact]
    public void Recent_messages_show_as_they_now_are_deleted_ones_included()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1, "dev"));
        transcript.Live(Message(2, "dev"));
        transcript.Updated(Message(1, "dev") with { Text = "", Deleted = true, Version = 3 });
        transcript.Live(Message(4));
        transcript.Current = "dev";

        transcript.Recent([Message(1, "dev") with { Text = "", Deleted = true, Version = 3 }, Message(2, "dev") with { Reactions = [new Reaction("🎉", ["alice", "carol"])], Version = 5 }]);
        transcript.Updated(Message(2, "dev") with { Reactions = [new Reaction("🎉", ["alice", "carol"])], Version = 5 });

        output.Lines.Should().Equal(
            "[17:30] #dev bob: message 1", "[17:30] #dev bob: message 2", "* #dev bob deleted a message", "[17:30] bob: message 4",
            "[17:30] bob: (message deleted)", "[17:30] bob: message 2 [🎉 2]");
    }

    [Fact]
    public void A_change_moves_the_last_seen_position_and_completes_a_wait_for_it()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(Message(1));
        var edited = transcript.PrintedAsync(7);

        transcript.Updated(Message(1) with { Text = "edited", EditedAt = Noon, Version = 7 });
        transcript.Live(Message(5)); // older than the change: the stream brought it already, in position order

        edited.IsCompletedSuccessfully.Should().BeTrue();
        transcript.LastSeenId.Should().Be(7);
        output.Lines.Should().Equal("[17:30] bob: message 1", "* bob edited: edited");
    }

    [Fact]
    public void A_reply_shows_who_and_what_it_answers()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(new ChatMessage(1, "general", "alice", "hello, is the build green again?", Noon));
        transcript.Live(new ChatMessage(2, "general", "carol", "short", Noon));
        transcript.Updated(new ChatMessage(2, "general", "carol", "", Noon) { Deleted = true, Version = 3 });

        transcript.Live(new ChatMessage(4, "general", "bob", "yes since noon", Noon) { ReplyTo = 1 });
        transcript.Live(new ChatMessage(5, "general", "bob", "what did it say?", Noon) { ReplyTo = 2 });
        transcript.Live(new ChatMessage(6, "general", "bob", "that was long ago", Noon) { ReplyTo = 0 });

        output.Lines.Skip(3).Should().Equal(
            "[17:30] bob: ↪ alice: \"hello, is the build…\" yes since noon",
            "[17:30] bob: ↪ (a deleted message) what did it say?",
            "[17:30] bob: ↪ (an earlier message) that was long ago");
    }

    [Fact]
    public void What_commands_act_on_is_the_newest_message_known_there_not_deleted_and_own_when_asked()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(new ChatMessage(1, "general", "alice", "mine", Noon));
        transcript.Live(new ChatMessage(2, "general", "bob", "bob's", Noon));
        transcript.Live(new ChatMessage(3, "dev", "alice", "in dev", Noon));
        transcript.Sent(new ChatMessage(5, "general", "alice", "acked, not shown yet", Noon));
        transcript.Live(new ChatMessage(4, "general", "carol", "gone", Noon));
        transcript.Updated(new ChatMessage(4, "general", "carol", "", Noon) { Deleted = true, Version = 6 });

        transcript.LastMessage("general")!.Id.Should().Be(5);
        transcript.LastMessage("general", "bob")!.Id.Should().Be(2);
        transcript.LastMessage("general", "carol").Should().BeNull("carol's only message is deleted");
        transcript.LastMessage("ops").Should().BeNull();
    }

    [Fact]
    public void A_message_only_acked_then_changed_before_its_line_came_prints_as_a_message()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Sent(new ChatMessage(1, "general", "alice", "typo", Noon));

        // A catch-up brings only the current state: the message was never printed, so a change line would hide it.
        transcript.Updated(new ChatMessage(1, "general", "alice", "fixed", Noon) { EditedAt = Noon, Version = 2 });

        output.Lines.Should().Equal("[17:30] alice: fixed (edited)");
    }

    [Fact]
    public void Each_conversation_remembers_its_newest_hundred_messages_and_a_cleared_one_none()
    {
        using var output = new RecordedOutput();
        var transcript = new Transcript(output, new TestClock());
        transcript.Live(new ChatMessage(1, "general", "alice", "the oldest", Noon));
        for (var id = 2; id <= 101; id++)
        {
            transcript.Live(Message(id));
        }

        transcript.Live(new ChatMessage(102, "dev", "alice", "in dev", Noon));
        var alicesInGeneral = transcript.LastMessage("general", "alice");
        transcript.Cleared("dev", "* #dev cleared");

        alicesInGeneral.Should().BeNull("message 1 is the 101st newest of general");
        transcript.LastMessage("general")!.Id.Should().Be(101);
        transcript.LastMessage("dev").Should().BeNull();
        output.Lines[^1].Should().Be("* #dev cleared");
    }

    [Theory]
    [InlineData("hello", "\"hello\"")]
    [InlineData("exactly twenty-four char", "\"exactly twenty-four char\"")]
    [InlineData("twenty-five characters!!!", "\"twenty-five characters!!…\"")]
    [InlineData("two\nlines", "\"two lines\"")]
    [InlineData("hello everyone, how is the release going?", "\"hello everyone, how is…\"")]
    [InlineData("👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽", "\"👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽👍🏽…\"")]
    public void A_quote_is_the_start_of_the_text_on_one_line_cut_with_an_ellipsis(string text, string quote)
    {
        MessageLines.Quote(new ChatMessage(1, "general", "bob", text, Noon)).Should().Be(quote);
    }

    private static ChatMessage Message(long id, string room = "general") => new(id, room, "bob", $"message {id}", Noon);
}
