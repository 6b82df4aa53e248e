using Chat.Server.History;
using Chat.Server.Rooms;

namespace Chat.Tests.History;

/// <summary>What every history store guarantees; each store's test class runs these same cases.</summary>
public abstract partial class HistoryStoreContract
{
    protected static readonly DateTime Now = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>A store on fresh, empty storage, keeping at most <paramref name="maxMessages"/>; reopened stores share its storage.</summary>
    protected abstract Task<IHistoryStore> OpenAsync(int maxMessages = 10_000);

    /// <summary>A second store on the same storage as the last one opened, as after a restart.</summary>
    protected abstract Task<IHistoryStore> ReopenAsync(int maxMessages = 10_000);

    protected static NewMessage[] Messages(params string[] texts) => In("general", texts);

    /// <summary>Messages by alice in <paramref name="room"/>.</summary>
    protected static NewMessage[] In(string room, params string[] texts) => [.. texts.Select(t => new NewMessage(room, "alice", t))];

    /// <summary>Appends <paramref name="batch"/> and returns the messages as stored.</summary>
    protected static async Task<ChatMessage[]> AppendAsync(IHistoryStore store, IReadOnlyList<NewMessage> batch, DateTime? sentAt = null) =>
        [.. (await store.AppendAsync(batch, sentAt ?? Now, default)).Select(appended => appended.Message)];

    [SkippableFact]
    public async Task Append_assigns_increasing_ids_and_returns_the_messages_as_stored()
    {
        var store = await OpenAsync();

        var first = await AppendAsync(store, Messages("one", "two"), Now);
        var second = await AppendAsync(store, Messages("three"), Now.AddSeconds(1));

        first.Concat(second).Select(m => m.Id).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        first[0].Should().Be(new ChatMessage(first[0].Id, "general", "alice", "one", Now));
        (await store.GetAsync("general", null, 10, default)).Should().Equal(first.Concat(second));
    }

    [SkippableFact]
    public async Task Get_returns_the_latest_or_those_after_an_id_oldest_first()
    {
        var store = await OpenAsync();
        var stored = await AppendAsync(store, Messages("a", "b", "c", "d", "e"), Now);

        (await store.GetAsync("general", null, 2, default)).Select(m => m.Text).Should().Equal("d", "e");
        (await store.GetAsync("general", stored[1].Id, 2, default)).Select(m => m.Text).Should().Equal("c", "d");
        (await store.GetAsync("general", stored[4].Id, 10, default)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Retention_keeps_only_the_newest_messages()
    {
        var store = await OpenAsync(maxMessages: 3);

        await AppendAsync(store, Messages("1", "2"), Now);
        await AppendAsync(store, Messages("3", "4", "5"), Now);

        (await store.GetAsync("general", null, 100, default)).Select(m => m.Text).Should().Equal("3", "4", "5");
    }

    [SkippableFact]
    public async Task Ids_are_not_reused_after_clear_even_across_a_restart()
    {
        var store = await OpenAsync();
        var before = await AppendAsync(store, Messages("x", "y"), Now);

        await store.ClearAsync("general", default);
        var reopened = await ReopenAsync();
        var after = await AppendAsync(reopened, Messages("z"), Now);

        (await reopened.GetAsync("general", null, 100, default)).Select(m => m.Text).Should().Equal("z");
        after[0].Id.Should().BeGreaterThan(before[^1].Id);
    }

    [SkippableFact]
    public async Task Messages_survive_a_restart_unchanged()
    {
        var store = await OpenAsync();
        var stored = await AppendAsync(store, Messages("kept", "<b>as given</b> 👋"), Now);

        var reopened = await ReopenAsync();

        (await reopened.GetAsync("general", null, 100, default)).Should().Equal(stored);
    }

    [SkippableFact]
    public async Task Each_room_has_its_own_history_latest_or_after_an_id()
    {
        var store = await OpenAsync();
        var dev = new List<ChatMessage>();
        for (var i = 0; i < 3; i++)
        {
            await AppendAsync(store, Messages($"general {i}"));
            dev.AddRange(await AppendAsync(store, In("dev", $"dev {i}")));
            await AppendAsync(store, In("ops", $"ops {i}"));
        }

        (await store.GetAsync("dev", null, 2, default)).Should().Equal(dev[1], dev[2]);
        (await store.GetAsync("dev", dev[0].Id, 10, default)).Should().Equal(dev[1], dev[2]);
        (await store.GetAsync("dev", 0, 1, default)).Should().Equal(dev[0]);
        (await store.GetAsync("general", null, 10, default)).Select(m => m.Text).Should().Equal("general 0", "general 1", "general 2");
        (await store.GetAsync("nowhere", null, 10, default)).Should().BeEmpty();
        (await store.GetBeforeAsync("dev", dev[2].Id, 1, default)).Should().Equal(dev[1]);
        (await store.GetBeforeAsync("dev", dev[2].Id, 10, default)).Should().Equal(dev[0], dev[1]);
        (await store.GetBeforeAsync("dev", dev[0].Id, 10, default)).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task All_returns_every_conversation_in_id_order()
    {
        var store = await OpenAsync();
        var stored = await AppendAsync(store, [new NewMessage("general", "alice", "a"), new NewMessage("dev", "bob", "b"), new NewMessage(Conversation.Direct("alice", "bob"), "bob", "c")]);

        (await store.GetAllAsync(0, 10, default)).Should().Equal(stored);
        (await store.GetAllAsync(stored[0].Id, 1, default)).Should().Equal(stored[1]);
        (await store.LastIdAsync(default)).Should().Be(stored[^1].Id);
    }

    [SkippableFact]
    public async Task A_resent_client_message_id_returns_the_first_message_and_stores_nothing_new()
    {
        // Arrange
        var store = await OpenAsync();
        var first = (await store.AppendAsync([new NewMessage("dev", "alice", "hello", "c1")], Now, default)).Single();

        // Act: the same (user, client id), other text and room, with a new message after it
        var again = await store.AppendAsync([new NewMessage("general", "alice", "hello again", "c1"), new NewMessage("general", "alice", "next", "c2")], Now.AddSeconds(5), default);

        // Assert
        first.IsNew.Should().BeTrue();
        again[0].Should().Be(new Appended(first.Message, IsNew: false));
        again[1].IsNew.Should().BeTrue();
        again[1].Message.Id.Should().Be(first.Message.Id + 1, "a resend takes no id: ids stay dense");
        (await store.GetAllAsync(0, 10, default)).Should().Equal(first.Message, again[1].Message);
        (await store.LastIdAsync(default)).Should().Be(again[1].Message.Id);
    }

    [SkippableFact]
    public async Task A_client_message_id_is_remembered_after_its_message_is_cleared_or_trimmed_until_forgotten()
    {
        // Arrange: c1 cleared away, c2 trimmed away by retention, c3 still there
        var store = await OpenAsync(maxMessages: 2);
        var cleared = await AppendAsync(store, [new NewMessage("dev", "alice", "cleared", "c1")]);
        await store.ClearAsync("dev", default);
        var trimmed = await AppendAsync(store, [new NewMessage("general", "alice", "trimmed", "c2")]);
        await AppendAsync(store, [new NewMessage("general", "bob", "x")]);
        await AppendAsync(store, [new NewMessage("general", "bob", "y")]);
        await AppendAsync(store, [new NewMessage("general", "bob", "z")]);

        // Act
        var again = await store.AppendAsync([new NewMessage("dev", "alice", "cleared", "c1"), new NewMessage("general", "alice", "trimmed", "c2")], Now, default);

        // Assert: each resend gets its message's tombstone, and nothing is stored
        again.Should().Equal(
            new Appended(ChatMessage.Tombstone(cleared[0].Id, "dev", "alice", Now), IsNew: false),
            new Appended(ChatMessage.Tombstone(trimmed[0].Id, "general", "alice", Now), IsNew: false));
        (await store.GetAsync("dev", null, 10, default)).Should().BeEmpty();

        // Act: the ids are forgotten once old enough; a resend then is a new message
        (await store.ForgetClientIdsAsync(Now.AddSeconds(1), default)).Should().Be(2);
        var later = await store.AppendAsync([new NewMessage("dev", "alice", "cleared", "c1")], Now, default);

        // Assert
        later.Single().IsNew.Should().BeTrue();
    }

    [SkippableFact]
    public async Task A_client_message_id_is_remembered_across_a_restart()
    {
        var store = await OpenAsync();
        var first = await AppendAsync(store, [new NewMessage("general", "alice", "hello", "c1")]);

        var reopened = await ReopenAsync();
        var again = await reopened.AppendAsync([new NewMessage("general", "alice", "hello", "c1"), new NewMessage("general", "bob", "hi")], Now, default);

        again[0].Should().Be(new Appended(first[0], IsNew: false));
        again[1].Message.Id.Should().Be(first[0].Id + 1);
        (await reopened.GetAsync("general", null, 10, default)).Should().Equal(first[0], again[1].Message);
    }

    [SkippableFact]
    public async Task Resends_among_new_messages_leave_the_new_ones_dense_and_in_input_order()
    {
        var store = await OpenAsync();
        var sent = await AppendAsync(store, [new NewMessage("general", "alice", "one", "a"), new NewMessage("dev", "bob", "two", "b")]);

        var batch = await store.AppendAsync(
            [
                new NewMessage("general", "carol", "new 1", "x"),
                new NewMessage("dev", "bob", "two", "b"),
                new NewMessage("general", "carol", "new 2"),
                new NewMessage("general", "alice", "one", "a"),
                new NewMessage("dev", "carol", "new 3", "y"),
            ],
            Now,
            default);

        batch.Select(a => a.IsNew).Should().Equal(true, false, true, false, true);
        batch[1].Message.Should().Be(sent[1]);
        batch[3].Message.Should().Be(sent[0]);
        batch.Where(a => a.IsNew).Select(a => a.Message.Id).Should().Equal(sent[1].Id + 1, sent[1].Id + 2, sent[1].Id + 3);
        (await store.GetAllAsync(0, 100, default)).Should().HaveCount(5);
    }

    [SkippableFact]
    public async Task The_same_client_message_id_from_another_user_is_another_message()
    {
        var store = await OpenAsync();

        var alice = await store.AppendAsync([new NewMessage("general", "alice", "hi", "same")], Now, default);
        var bob = await store.AppendAsync([new NewMessage("general", "bob", "hi", "same")], Now, default);

        bob.Single().IsNew.Should().BeTrue();
        bob.Single().Message.Id.Should().Be(alice.Single().Message.Id + 1);
    }

    [SkippableFact]
    public async Task Retention_applies_per_conversation_so_a_busy_room_keeps_a_quiet_one()
    {
        var store = await OpenAsync(maxMessages: 3);
        var quiet = await AppendAsync(store, In("quiet", "q1", "q2"));

        for (var i = 0; i < 10; i++)
        {
            await AppendAsync(store, In("busy", $"b{i}a", $"b{i}b"));
        }

        (await store.GetAsync("quiet", null, 100, default)).Should().Equal(quiet);
        (await store.GetAsync("busy", null, 100, default)).Select(m => m.Text).Should().Equal("b8b", "b9a", "b9b");
    }

    [SkippableFact]
    public async Task Retention_trims_each_conversation_in_small_steps_from_its_count_keeping_the_newest()
    {
        // 160 kept: a conversation is trimmed once 10 (1/16) more have come, so 160 to 169 stay; a batch may bring far more
        var store = await OpenAsync(maxMessages: 160);
        var stored = new Dictionary<string, List<ChatMessage>>(StringComparer.Ordinal) { ["dev"] = [], ["ops"] = [] };
        foreach (var size in (int[])[1, 150, 9, 1, 400, 3, .. Enumerable.Repeat(1, 25)])
        {
            // Act
            var batch = Enumerable.Range(0, size).Select(i => new NewMessage(i % 3 == 0 ? "ops" : "dev", "alice", $"{size}.{i}")).ToArray();
            foreach (var message in await AppendAsync(store, batch))
            {
                stored[message.Room].Add(message);
            }

            // Assert
            foreach (var (room, all) in stored)
            {
                var kept = await store.GetAsync(room, null, 1000, default);
                kept.Length.Should().BeInRange(Math.Min(all.Count, 160), 169, $"{room} after a batch of {size}");
                kept.Should().Equal(all.TakeLast(kept.Length), "the store keeps the newest messages, as appended");
            }
        }
    }

    [SkippableFact]
    public async Task Clear_deletes_one_conversation_and_its_ids_are_not_given_again()
    {
        var store = await OpenAsync();
        var general = await AppendAsync(store, Messages("stays"));
        var dev = await AppendAsync(store, In("dev", "goes", "goes too"));

        await store.ClearAsync("dev", default);
        var after = await AppendAsync(store, In("dev", "new"));

        (await store.GetAsync("general", null, 10, default)).Should().Equal(general);
        (await store.GetAsync("dev", null, 10, default)).Should().Equal(after);
        after[0].Id.Should().Be(dev[^1].Id + 1);
    }
}
