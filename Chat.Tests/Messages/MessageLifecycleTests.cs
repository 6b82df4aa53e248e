using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Messages;

/// <summary>SPEC section 12 on one server: replies, edits, deletes, reactions and mentions, each rule with its message.</summary>
public class MessageLifecycleTests
{
    [Fact]
    public async Task A_reply_names_the_message_it_answers_and_reaches_the_conversation()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var question = (await alice.PostAsync("general", "ship it?"))!;

        var answer = (await bob.PostAsync("general", "yes", replyTo: question.Id))!;

        answer.Should().BeEquivalentTo(new ChatMessage(answer.Id, "general", "bob", "yes", answer.SentAt) { ReplyTo = question.Id });
        (await alice.MessagesAsync(2))[1].Should().BeEquivalentTo(answer);
        (await alice.HistoryAsync())[1].ReplyTo.Should().Be(question.Id);
    }

    [Fact]
    public async Task A_reply_to_a_message_of_another_conversation_or_a_deleted_one_is_refused()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await alice.JoinAsync("dev");
        var elsewhere = (await alice.PostAsync("dev", "in dev"))!;
        var gone = (await alice.PostAsync("general", "soon deleted"))!;
        await alice.DeleteAsync("general", gone.Id);

        var across = () => alice.PostAsync("general", "answer", replyTo: elsewhere.Id);
        var toDeleted = () => alice.PostAsync("general", "answer", replyTo: gone.Id);

        (await across.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith($"There is no message {elsewhere.Id} in general; reply to a message of this conversation.");
        (await toDeleted.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith($"Message {gone.Id} was deleted; it cannot be replied to. Send your text without replyTo.");
        (await alice.HistoryAsync()).Should().ContainSingle("nothing was stored").Which.Deleted.Should().BeTrue();
    }

    [Fact]
    public async Task An_edit_replaces_the_text_and_reaches_only_the_conversations_members_with_its_version()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");
        var sent = (await alice.PostAsync("dev", "teh plan"))!;

        var edited = await alice.EditAsync("dev", sent.Id, "the plan");
        var marker = (await carol.SendAsync("marker", "carol"))!;

        edited.Should().BeEquivalentTo(sent with { Text = "the plan", EditedAt = edited.EditedAt, Version = sent.Id + 1 });
        edited.EditedAt.Should().BeOnOrAfter(sent.SentAt);
        (await bob.NextUpdateAsync()).Should().BeEquivalentTo(edited);
        (await alice.NextUpdateAsync()).Should().BeEquivalentTo(edited, "the author's other tabs update too");
        (await carol.NextMessageAsync()).Should().Be(marker);
        carol.UpdatesSoFar().Should().BeEmpty("carol is not in #dev");
        (await bob.RoomHistoryAsync("dev")).Should().ContainSingle().Which.Should().BeEquivalentTo(edited);
    }

    [Fact]
    public async Task Editing_to_the_same_text_changes_nothing_and_sends_nothing()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var sent = (await alice.PostAsync("general", "final"))!;

        var same = await alice.EditAsync("general", sent.Id, "final");
        var marker = (await alice.SendAsync("marker"))!;

        same.Should().BeEquivalentTo(sent);
        (await bob.MessagesAsync(2)).Should().Equal(sent, marker);
        bob.UpdatesSoFar().Should().BeEmpty();
        marker.Id.Should().Be(sent.Id + 1, "no position was taken");
    }

    [Fact]
    public async Task Each_edit_rule_is_refused_with_what_is_allowed()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:MaxMessageLength"] = "20" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var mine = (await alice.PostAsync("general", "mine"))!;
        var gone = (await alice.PostAsync("general", "gone"))!;
        await alice.DeleteAsync("general", gone.Id);

        (await Refusal(() => bob.EditAsync("general", mine.Id, "hijacked"))).Should().EndWith($"Message {mine.Id} is alice's; you can edit only your own messages.");
        (await Refusal(() => alice.EditAsync("general", 999, "x"))).Should().EndWith("There is no message 999 in general; edit a message of this conversation.");
        (await Refusal(() => alice.EditAsync("general", mine.Id, "/clear"))).Should().EndWith("A message cannot be edited into a command. To make the text start with /, begin it with // (\"//shrug\" stores \"/shrug\").");
        (await Refusal(() => alice.EditAsync("general", mine.Id, "  "))).Should().EndWith("The message is empty. Type some text before sending.");
        (await Refusal(() => alice.EditAsync("general", mine.Id, new string('x', 21)))).Should().EndWith("The message is 21 characters long; at most 20 are allowed. Shorten it or split it in parts.");
        (await Refusal(() => alice.EditAsync("general", gone.Id, "back"))).Should().EndWith($"Message {gone.Id} was deleted; it cannot be edited.");
        (await Refusal(() => alice.EditAsync("dev", mine.Id, "x"))).Should().EndWith("You are not in #dev; join it first.");
        (await alice.EditAsync("general", mine.Id, "//shrug")).Text.Should().Be("/shrug", "// stores a literal /");
        (await alice.HistoryAsync())[0].Text.Should().Be("/shrug");
    }

    [Fact]
    public async Task A_delete_leaves_a_tombstone_for_everyone_and_deleting_again_changes_nothing()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var question = (await alice.PostAsync("general", "question"))!;
        var sent = (await alice.PostAsync("general", "@bob oops", replyTo: question.Id))!;
        await bob.ReactAsync("general", sent.Id, "👀");
        await bob.MessagesAsync(2);
        await bob.NextUpdateAsync();

        await alice.DeleteAsync("general", sent.Id);
        await alice.DeleteAsync("general", sent.Id);
        var marker = (await alice.SendAsync("marker"))!;

        var tombstone = await bob.NextUpdateAsync();
        tombstone.Should().BeEquivalentTo(ChatMessage.Tombstone(sent.Id, "general", "alice", sent.SentAt) with { Version = tombstone.Version });
        (await bob.NextMessageAsync()).Should().Be(marker);
        bob.UpdatesSoFar().Should().BeEmpty("the second delete changed nothing");
        (await bob.HistoryAsync()).Select(message => (message.Id, message.Deleted, message.Text)).Should().Equal((question.Id, false, "question"), (sent.Id, true, ""), (marker.Id, false, "marker"));
    }

    [Fact]
    public async Task Only_the_author_or_an_admin_deletes_a_message()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:Auth:SigningKey"] = AuthTests.Key });
        await using var alice = await app.ConnectAsync(null, ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromHours(1)));
        await using var bob = await app.ConnectAsync(null, ChatTokens.Create(AuthTests.Key, "bob", admin: false, TimeSpan.FromHours(1)));
        await using var admin = await app.ConnectAsync(null, ChatTokens.Create(AuthTests.Key, "root", admin: true, TimeSpan.FromHours(1)));
        var sent = (await alice.PostAsync("general", "spam"))!;

        (await Refusal(() => bob.DeleteAsync("general", sent.Id))).Should().EndWith(
            $"Message {sent.Id} is alice's; you can delete only your own messages (admins and the room's moderators can delete any).");
        await admin.DeleteAsync("general", sent.Id);

        (await bob.HistoryAsync()).Should().ContainSingle().Which.Deleted.Should().BeTrue();
    }

    [Fact]
    public async Task Reactions_add_and_remove_once_each_and_reach_the_conversation_with_the_whole_message()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var sent = (await alice.PostAsync("general", "lunch?"))!;
        await bob.NextMessageAsync();

        await bob.ReactAsync("general", sent.Id, "👍🏽");
        await alice.ReactAsync("general", sent.Id, "👍🏽");
        await alice.ReactAsync("general", sent.Id, "👍🏽");
        await bob.ReactAsync("general", sent.Id, "👨‍👩‍👧");
        await bob.UnreactAsync("general", sent.Id, "👍🏽");
        await bob.UnreactAsync("general", sent.Id, "👍🏽");
        var marker = (await alice.SendAsync("marker"))!;

        var updates = new List<ChatMessage>();
        for (var i = 0; i < 4; i++)
        {
            updates.Add(await bob.NextUpdateAsync());
        }

        (await bob.NextMessageAsync()).Should().Be(marker);
        bob.UpdatesSoFar().Should().BeEmpty("adding one already there, or removing one not there, sends nothing");
        updates.Select(update => update.Version).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        updates[^1].Should().BeEquivalentTo(
            sent with { Reactions = [new Reaction("👍🏽", ["alice"]), new Reaction("👨‍👩‍👧", ["bob"])], Version = updates[^1].Version },
            options => options.WithStrictOrdering());
    }

    [Theory]
    [InlineData("")]
    [InlineData("ok")]
    [InlineData("👍👍")]
    [InlineData("a\u0301")]
    [InlineData("\u200D")]
    public async Task A_reaction_that_is_not_one_emoji_is_refused(string emoji)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        var sent = (await alice.PostAsync("general", "hi"))!;

        (await Refusal(() => alice.ReactAsync("general", sent.Id, emoji))).Should().Contain(
            "A reaction is one emoji (such as 👍 or 🎉; skin tones and joined emoji count as one), at most 32 UTF-16 units;");
        (await alice.HistoryAsync())[0].Reactions.Should().BeNull();
    }

    [Theory]
    [InlineData("👍")]
    [InlineData("❤️")]
    [InlineData("🇫🇷")]
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿")]
    [InlineData("1️⃣")]
    [InlineData("👩🏾‍💻")]
    [InlineData("‼️")]
    public async Task Emoji_with_skin_tones_flags_keycaps_and_joined_sequences_are_one_reaction(string emoji)
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        var sent = (await alice.PostAsync("general", "hi"))!;

        await alice.ReactAsync("general", sent.Id, emoji);

        (await alice.HistoryAsync())[0].Reactions.Should().BeEquivalentTo([new Reaction(emoji, ["alice"])]);
    }

    [Fact]
    public async Task The_twenty_first_different_emoji_and_reacting_to_a_deleted_message_are_refused()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "0" });
        await using var alice = await app.ConnectAsync("alice");
        var sent = (await alice.PostAsync("general", "hi"))!;
        var emoji = "😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩".EnumerateRunes().Select(rune => rune.ToString()).ToArray();
        foreach (var one in emoji.Take(20))
        {
            await alice.ReactAsync("general", sent.Id, one);
        }

        (await Refusal(() => alice.ReactAsync("general", sent.Id, emoji[20]))).Should().EndWith(
            $"Message {sent.Id} has 20 different emoji, the most one message can have; react with one of those instead.");
        await alice.DeleteAsync("general", sent.Id);
        (await Refusal(() => alice.ReactAsync("general", sent.Id, emoji[0]))).Should().EndWith($"Message {sent.Id} was deleted; it cannot be reacted to.");
    }

    [Fact]
    public async Task Guests_can_neither_post_nor_change_messages()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var guest = await app.ConnectAsync(null);
        var sent = (await alice.PostAsync("general", "hi"))!;

        var refusals = new[]
        {
            await Refusal(() => guest.PostAsync("general", "x")),
            await Refusal(() => guest.EditAsync("general", sent.Id, "x")),
            await Refusal(() => guest.DeleteAsync("general", sent.Id)),
            await Refusal(() => guest.ReactAsync("general", sent.Id, "👍")),
            await Refusal(() => guest.UnreactAsync("general", sent.Id, "👍")),
        };

        refusals.Should().AllSatisfy(message => message.Should().Contain("name"));
        (await alice.HistoryAsync()).Should().ContainSingle().Which.Should().Be(sent);
    }

    [Fact]
    public async Task Mentions_name_readers_of_the_conversation_once_each_longest_name_first_and_count_as_unread_mentions()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var mary = await app.ConnectAsync("Mary");
        await using var maryAnn = await app.ConnectAsync("Mary Ann");
        await using var carol = await app.ConnectAsync("carol");
        foreach (var member in new[] { alice, mary, maryAnn })
        {
            await member.JoinAsync("dev");
        }

        var sent = (await alice.PostAsync("dev", "@mary ann and @MARY, also @carol and bob@mary.org, @Mary again"))!;

        sent.Mentions.Should().Equal("Mary Ann", "Mary");
        (await maryAnn.RoomsAsync()).Single(summary => summary.Room == "dev").Mentions.Should().Be(1);
        (await alice.RoomsAsync()).Single(summary => summary.Room == "dev").Mentions.Should().Be(0);
        (await alice.EditAsync("dev", sent.Id, "never mind")).Mentions.Should().BeNull();
        (await maryAnn.RoomsAsync()).Single(summary => summary.Room == "dev").Mentions.Should().Be(0);
        (await alice.PostAsync("general", "@carol hi"))!.Mentions.Should().Equal("carol");
        (await alice.PostAsync("@carol", "@carol hi @alice"))!.Mentions.Should().Equal("carol", "alice");
        (await alice.PostAsync("general", "@nobody hi"))!.Mentions.Should().BeNull();
    }

    [Fact]
    public async Task A_change_in_a_direct_conversation_shows_it_as_each_user_sees_it()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        var sent = (await alice.PostAsync("@bob", "hi bob"))!;

        await bob.ReactAsync("@alice", sent.Id, "👋");

        (await bob.NextUpdateAsync()).Room.Should().Be("@alice");
        (await alice.NextUpdateAsync()).Room.Should().Be("@bob");
        (await Refusal(() => bob.EditAsync("@alice", sent.Id, "x"))).Should().EndWith($"Message {sent.Id} is alice's; you can edit only your own messages.");
        (await Refusal(() => bob.EditAsync("general", sent.Id, "x"))).Should().EndWith($"There is no message {sent.Id} in general; edit a message of this conversation.");
    }

    [Fact]
    public async Task Missed_messages_after_a_position_bring_new_messages_and_the_current_state_of_changed_ones_once()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var guest = await app.ConnectAsync(null);
        var first = (await alice.PostAsync("general", "first"))!;
        var seen = (await alice.PostAsync("general", "seen"))!;
        await alice.EditAsync("general", first.Id, "first, edited");
        var fresh = (await alice.PostAsync("general", "fresh"))!;
        await alice.ReactAsync("general", first.Id, "👍");

        var missed = await alice.MissedAsync(seen.Id);
        var guests = await guest.MissedAsync(seen.Id);

        missed.Select(message => (message.Id, message.Text)).Should().Equal((fresh.Id, "fresh"), (first.Id, "first, edited"));
        missed[1].Reactions.Should().ContainSingle();
        guests.Should().BeEquivalentTo(missed, options => options.WithStrictOrdering(), "a guest catches up on general the same way");
        (await alice.MissedAsync(missed[1].Version)).Should().BeEmpty();
    }

    [Fact]
    public async Task Changes_draw_on_the_send_budget()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:PerSecond"] = "1", ["Chat:RateLimit:Burst"] = "3" });
        await using var alice = await app.ConnectAsync("alice");
        var sent = (await alice.PostAsync("general", "one"))!;
        await alice.ReactAsync("general", sent.Id, "👍");
        await alice.EditAsync("general", sent.Id, "two");

        (await Refusal(() => alice.DeleteAsync("general", sent.Id))).Should().Contain("You are sending too fast: at most 1 messages per second, in bursts of up to 3.");
    }

    [Fact]
    public async Task Nobody_reaches_a_message_of_a_conversation_they_cannot_read_by_naming_another_one()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await alice.JoinAsync("dev");
        var secret = (await alice.PostAsync("@bob", "between us"))!;
        var dev = (await alice.PostAsync("dev", "members only"))!;
        await carol.PostAsync("@alice", "hi alice");

        var tries = new[]
        {
            await Refusal(() => carol.ReactAsync("general", secret.Id, "👍")),
            await Refusal(() => carol.ReactAsync("@alice", secret.Id, "👍")),
            await Refusal(() => carol.DeleteAsync("@bob", secret.Id)),
            await Refusal(() => carol.PostAsync("@alice", "a reply", replyTo: secret.Id)),
            await Refusal(() => carol.ReactAsync("dev", dev.Id, "👍")),
            await Refusal(() => carol.ReactAsync("general", dev.Id, "👍")),
        };

        tries[0].Should().EndWith($"There is no message {secret.Id} in general; react to a message of this conversation.");
        tries[1].Should().EndWith($"There is no message {secret.Id} in @alice; react to a message of this conversation.");
        tries[2].Should().EndWith($"There is no message {secret.Id} in @bob; delete a message of this conversation.", "carol's @bob is her own conversation with bob");
        tries[3].Should().EndWith($"There is no message {secret.Id} in @alice; reply to a message of this conversation.");
        tries[4].Should().EndWith("You are not in #dev; join it first.");
        tries[5].Should().EndWith($"There is no message {dev.Id} in general; react to a message of this conversation.");
        (await bob.RoomHistoryAsync("@alice")).Should().ContainSingle().Which.Should().Be(secret with { Room = "@alice" });
    }

    private static async Task<string> Refusal(Func<Task> call) => (await call.Should().ThrowAsync<HubException>()).Which.Message;
}
