using Chat.Server.History;

namespace Chat.Tests.History;

/// <summary>The contract's message lifecycle (SPEC section 12): changes at positions, catch-up by position, mention counts.</summary>
public abstract partial class HistoryStoreContract
{
    private static readonly DateTime Later = Now.AddMinutes(5);

    protected static async Task<ChangeResult> ChangeAsync(IHistoryStore store, MessageChange change, DateTime? now = null) =>
        (await store.CommitAsync([], [change], now ?? Later, default)).Changes[0];

    [SkippableFact]
    public async Task A_change_takes_the_next_position_after_every_id_and_the_next_message_the_one_after()
    {
        var store = await OpenAsync();
        var sent = await AppendAsync(store, Messages("one", "two"));

        var edited = await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", sent[0].Id, "alice", Text: "one, corrected"));
        var next = await AppendAsync(store, Messages("three"));

        edited.Outcome.Should().Be(ChangeOutcome.Changed);
        edited.Message.Should().BeEquivalentTo(sent[0] with { Text = "one, corrected", EditedAt = Later, Version = sent[1].Id + 1 });
        next[0].Id.Should().Be(sent[1].Id + 2, "the change took a position of the same sequence");
        (await store.LastIdAsync(default)).Should().Be(next[0].Id);
        (await store.FindAsync("general", sent[0].Id, default)).Should().BeEquivalentTo(edited.Message);
    }

    [SkippableFact]
    public async Task Each_rule_of_a_change_is_decided_against_the_message_as_stored()
    {
        var store = await OpenAsync();
        var sent = await AppendAsync(store, [new NewMessage("general", "alice", "mine"), new NewMessage("dev", "bob", "elsewhere")]);
        var mine = sent[0].Id;

        (await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", sent[1].Id, "bob", Text: "x"))).Outcome.Should().Be(ChangeOutcome.NotFound, "message 2 is not in general");
        (await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", 999, "alice", Text: "x"))).Outcome.Should().Be(ChangeOutcome.NotFound);
        (await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", mine, "bob", Text: "x"))).Outcome.Should().Be(ChangeOutcome.NotAuthor);
        (await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", mine, "alice", Text: "mine"))).Outcome.Should().Be(ChangeOutcome.Unchanged);
        (await ChangeAsync(store, new MessageChange(ChangeKind.Delete, "general", mine, "bob"))).Outcome.Should().Be(ChangeOutcome.NotAuthor);
        (await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", mine, "bob", Emoji: "👍"))).Outcome.Should().Be(ChangeOutcome.Changed);
        (await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", mine, "bob", Emoji: "👍"))).Outcome.Should().Be(ChangeOutcome.Unchanged);
        (await ChangeAsync(store, new MessageChange(ChangeKind.RemoveReaction, "general", mine, "carol", Emoji: "👍"))).Outcome.Should().Be(ChangeOutcome.Unchanged);

        var deleted = await ChangeAsync(store, new MessageChange(ChangeKind.Delete, "general", mine, "bob", MayDeleteAny: true));

        deleted.Message.Should().BeEquivalentTo(ChatMessage.Tombstone(mine, "general", "alice", Now) with { Version = deleted.Message!.Version });
        (await ChangeAsync(store, new MessageChange(ChangeKind.Delete, "general", mine, "alice"))).Outcome.Should().Be(ChangeOutcome.Unchanged);
        (await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", mine, "alice", Text: "back"))).Outcome.Should().Be(ChangeOutcome.Deleted);
        (await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", mine, "bob", Emoji: "🎉"))).Outcome.Should().Be(ChangeOutcome.Deleted);
        (await store.GetAsync("general", null, 10, default)).Should().ContainSingle().Which.Deleted.Should().BeTrue("history keeps the tombstone");
    }

    [SkippableFact]
    public async Task Reactions_keep_emoji_in_the_order_first_added_and_users_in_the_order_they_reacted()
    {
        var store = await OpenAsync();
        var id = (await AppendAsync(store, Messages("vote")))[0].Id;

        foreach (var (user, emoji) in new[] { ("bob", "👍"), ("carol", "🎉"), ("alice", "👍"), ("bob", "🎉") })
        {
            await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", id, user, Emoji: emoji));
        }

        await ChangeAsync(store, new MessageChange(ChangeKind.RemoveReaction, "general", id, "carol", Emoji: "🎉"));
        var last = await ChangeAsync(store, new MessageChange(ChangeKind.RemoveReaction, "general", id, "bob", Emoji: "👍"));

        last.Message!.Reactions.Should().BeEquivalentTo(new[] { new Reaction("👍", ["alice"]), new Reaction("🎉", ["bob"]) }, options => options.WithStrictOrdering());
        (await (await ReopenAsync()).FindAsync("general", id, default)).Should().BeEquivalentTo(last.Message);
    }

    [SkippableFact]
    public async Task A_message_has_at_most_twenty_different_emoji()
    {
        var store = await OpenAsync();
        var id = (await AppendAsync(store, Messages("popular")))[0].Id;
        var emoji = "😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩".EnumerateRunes().Select(rune => rune.ToString()).ToArray();

        var outcomes = new List<ChangeOutcome>();
        foreach (var one in emoji)
        {
            outcomes.Add((await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", id, "bob", Emoji: one))).Outcome);
        }

        outcomes.Take(MessageChanges.MaxEmoji).Should().AllBeEquivalentTo(ChangeOutcome.Changed);
        outcomes[MessageChanges.MaxEmoji].Should().Be(ChangeOutcome.TooManyEmoji);
        (await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", id, "carol", Emoji: emoji[0]))).Outcome.Should().Be(ChangeOutcome.Changed, "an emoji already there can still be added to");
    }

    [SkippableFact]
    public async Task Missed_messages_come_in_position_order_with_each_changed_message_once_in_its_current_state()
    {
        var store = await OpenAsync();
        var dev = await AppendAsync(store, In("dev", "d1", "d2"));
        var general = await AppendAsync(store, Messages("g1", "g2"));
        var mark = general[^1].Id;
        await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "dev", dev[0].Id, "alice", Text: "d1 again"));
        var late = await AppendAsync(store, In("dev", "d3"));
        await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", general[1].Id, "bob", Emoji: "👍"));
        var twice = await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "dev", dev[0].Id, "alice", Text: "d1, third time"));

        var missed = await store.GetMissedAsync(["general", "dev"], mark, 100, default);
        var all = await store.GetAllAsync(mark, 100, default);

        missed.Select(message => (message.Id, message.Text)).Should().Equal((late[0].Id, "d3"), (general[1].Id, "g2"), (dev[0].Id, "d1, third time"));
        missed.Select(message => message.Position()).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        missed[^1].Version.Should().Be(twice.Message!.Version);
        all.Should().BeEquivalentTo(missed, options => options.WithStrictOrdering());
        (await store.GetMissedAsync(["general", "dev"], mark, 2, default)).Select(message => message.Id).Should().Equal(late[0].Id, general[1].Id);
        (await store.GetMissedAsync(["general"], mark, 100, default)).Select(message => message.Id).Should().Equal(general[1].Id);
        (await store.GetMissedAsync(["general", "dev"], twice.Message!.Version, 100, default)).Should().BeEmpty();

        // The latest ones (no position given): dev's newest position is its first message, changed last.
        var everything = await store.GetAllAsync(0, 100, default);
        (await store.GetMissedAsync(["general", "dev"], null, 100, default)).Should().BeEquivalentTo(everything, options => options.WithStrictOrdering());
        (await store.GetMissedAsync(["general", "dev"], null, 2, default)).Should().BeEquivalentTo(everything[^2..], options => options.WithStrictOrdering());
        (await store.GetMissedAsync(["dev"], null, 1, default)).Select(message => message.Text).Should().Equal("d1, third time");
    }

    [SkippableFact]
    public async Task Replies_and_mentions_are_stored_and_unread_mentions_counted_until_read_or_edited_away()
    {
        var store = await OpenAsync();
        await store.JoinAsync("bob", "dev", new JoinLimits(10, 10, 10, Now), default);
        var question = await AppendAsync(store, In("dev", "question"));
        var stored = await AppendAsync(store, [new NewMessage("dev", "alice", "@bob see above", ReplyTo: question[0].Id, Mentions: ["bob"]), new NewMessage("dev", "alice", "@bob and me", Mentions: ["bob", "alice"])]);

        stored[0].Should().BeEquivalentTo(new ChatMessage(stored[0].Id, "dev", "alice", "@bob see above", Now) { ReplyTo = question[0].Id, Mentions = ["bob"] });
        (await store.GetAsync("dev", null, 10, default))[1].Should().BeEquivalentTo(stored[0]);
        (await store.SummaryAsync("bob", "dev", default))!.Mentions.Should().Be(2);
        (await store.SummaryAsync("alice", "dev", default)).Should().BeNull("alice is not a member of dev; her own mention does not count anyway");

        await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "dev", stored[1].Id, "alice", Text: "never mind", Mentions: null));
        (await store.SummaryAsync("bob", "dev", default))!.Mentions.Should().Be(1, "the edit took the mention away");
        await ChangeAsync(store, new MessageChange(ChangeKind.Delete, "dev", stored[0].Id, "alice"));
        (await store.SummaryAsync("bob", "dev", default))!.Mentions.Should().Be(0, "a deleted message mentions nobody");

        var again = await AppendAsync(store, [new NewMessage("dev", "alice", "@bob", Mentions: ["bob"])]);
        (await store.SummariesAsync("bob", default))[1].Mentions.Should().Be(1);
        await store.MarkReadAsync([new ReadMark("bob", "dev", again[0].Id)], default);
        (await store.SummariesAsync("bob", default))[1].Should().Be(new RoomSummary("dev", again[0].Id, 0, 0) { Role = "owner" });
    }

    [SkippableFact]
    public async Task Readers_are_those_of_the_keys_who_can_read_the_conversation_as_they_spell_their_names()
    {
        var store = await OpenAsync();
        await AppendAsync(store, [new NewMessage("general", "Alice", "hi"), new NewMessage("general", "Zoë", "hi")]);
        await store.JoinAsync("bob", "dev", new JoinLimits(10, 10, 10, Now), default);

        (await store.ReadersAsync("general", ["alice", "zoë", "bob", "nobody"], default)).Should().BeEquivalentTo("Alice", "Zoë", "bob");
        (await store.ReadersAsync("dev", ["alice", "bob"], default)).Should().Equal("bob");
        (await store.ReadersAsync("dev", [], default)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Changes_and_messages_committed_together_take_positions_messages_first()
    {
        var store = await OpenAsync();
        var old = await AppendAsync(store, Messages("old"));

        var committed = await store.CommitAsync(
            Messages("new"),
            [new MessageChange(ChangeKind.AddReaction, "general", old[0].Id, "bob", Emoji: "👍"), new MessageChange(ChangeKind.Edit, "general", old[0].Id, "alice", Text: "old, edited")],
            Later,
            default);

        var newId = committed.Appended[0].Message.Id;
        committed.Changes.Select(change => change.Message!.Version).Should().Equal(newId + 1, newId + 2);
        committed.Changes[1].Message.Should().BeEquivalentTo(old[0] with { Text = "old, edited", EditedAt = Later, Reactions = [new Reaction("👍", ["bob"])], Version = newId + 2 });
        (await store.GetAllAsync(old[0].Id, 10, default)).Select(message => message.Position()).Should().Equal(newId, newId + 2);
    }

    [SkippableFact]
    public async Task A_resend_of_a_changed_message_gets_it_as_it_is_now()
    {
        var store = await OpenAsync();
        var first = await AppendAsync(store, [new NewMessage("general", "alice", "draft", "c1")]);
        var edited = await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", first[0].Id, "alice", Text: "final"));

        var resent = await store.AppendAsync([new NewMessage("general", "alice", "draft", "c1")], Later, default);
        await ChangeAsync(store, new MessageChange(ChangeKind.Delete, "general", first[0].Id, "alice"));
        var afterDelete = await store.AppendAsync([new NewMessage("general", "alice", "draft", "c1")], Later, default);

        resent[0].Should().BeEquivalentTo(new Appended(edited.Message!, IsNew: false));
        afterDelete[0].IsNew.Should().BeFalse();
        afterDelete[0].Message.Deleted.Should().BeTrue();
        afterDelete[0].Message.Text.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_message_takes_at_most_a_thousand_reactions_so_one_reaction_costs_a_bounded_message()
    {
        var store = await OpenAsync();
        var id = (await AppendAsync(store, Messages("famous")))[0].Id;
        var reactions = Enumerable.Range(0, MessageChanges.MaxReactions).Select(n => new MessageChange(ChangeKind.AddReaction, "general", id, $"user{n}", Emoji: "👍")).ToArray();
        (await store.CommitAsync([], reactions, Later, default)).Changes.Should().AllSatisfy(change => change.Outcome.Should().Be(ChangeOutcome.Changed));

        var past = await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", id, "one-more", Emoji: "👍"));
        var removed = await ChangeAsync(store, new MessageChange(ChangeKind.RemoveReaction, "general", id, "user0", Emoji: "👍"));

        past.Outcome.Should().Be(ChangeOutcome.TooManyReactions);
        removed.Outcome.Should().Be(ChangeOutcome.Changed, "taking one off is always allowed");
        removed.Message!.Reactions!.Single().Users.Should().HaveCount(MessageChanges.MaxReactions - 1);
    }
}
