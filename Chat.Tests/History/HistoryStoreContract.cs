using Chat.Server.History;

namespace Chat.Tests.History;

/// <summary>What every history store guarantees; each store's test class runs these same cases.</summary>
public abstract class HistoryStoreContract
{
    protected static readonly DateTime Now = new(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>A store on fresh, empty storage, keeping at most <paramref name="maxMessages"/>; reopened stores share its storage.</summary>
    protected abstract Task<IHistoryStore> OpenAsync(int maxMessages = 10_000);

    /// <summary>A second store on the same storage as the last one opened, as after a restart.</summary>
    protected abstract Task<IHistoryStore> ReopenAsync(int maxMessages = 10_000);

    protected static NewMessage[] Messages(params string[] texts) => [.. texts.Select(t => new NewMessage("general", "alice", t))];

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
}
