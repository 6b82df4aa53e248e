using Chat.Server.History;
using Chat.Server.Rooms;
using Chat.Server.Search;

namespace Chat.Tests.History;

/// <summary>The contract's search (SPEC section 14): the index follows every commit, and finds words whatever their accents and case.</summary>
public abstract partial class HistoryStoreContract
{
    /// <summary>
    /// The texts found for <paramref name="query"/> (parsed as the hub parses it) in <paramref name="rooms"/>, newest first: the
    /// same before and after the store moves what was committed since into its index (SQLite indexes behind the commits).
    /// </summary>
    protected static async Task<string[]> FoundAsync(IHistoryStore store, string query, string[]? rooms = null, string? author = null, int limit = 100)
    {
        var search = SearchQuery.Parse(query);
        var request = new SearchRequest(rooms ?? [Conversation.General], search.Terms, author, limit);
        var committed = (await store.SearchAsync(request, default)).Select(message => message.Text).ToArray();
        await IndexAllAsync(store);
        var indexed = (await store.SearchAsync(request, default)).Select(message => message.Text).ToArray();
        indexed.Should().Equal(committed, $"search for {query} finds the same before the index takes in what was committed since and after");
        return indexed;
    }

    /// <summary>Moves everything committed into the store's search index, as the writer does behind its commits.</summary>
    protected static async Task IndexAllAsync(IHistoryStore store)
    {
        while (await store.IndexSearchAsync(3, default) > 0)
        {
        }
    }

    [SkippableFact]
    public async Task Search_finds_messages_with_every_word_newest_first()
    {
        var store = await OpenAsync();
        await AppendAsync(store, Messages("the deploy failed", "lunch at noon", "deploy again, it failed twice", "failed"));

        (await FoundAsync(store, "failed deploy")).Should().Equal("deploy again, it failed twice", "the deploy failed");
        (await FoundAsync(store, "failed")).Should().Equal("failed", "deploy again, it failed twice", "the deploy failed");
        (await FoundAsync(store, "failed deploy lunch")).Should().BeEmpty("every word must match");
    }

    [SkippableFact]
    public async Task Search_ignores_accents_and_case_both_ways()
    {
        var store = await OpenAsync();
        await AppendAsync(store, Messages("Un Café crème", "CAFE NOIR", "Ελληνικά ΚΑΦΕΣ", "naïve Übermensch"));

        (await FoundAsync(store, "cafe")).Should().Equal("CAFE NOIR", "Un Café crème");
        (await FoundAsync(store, "CAFÉ")).Should().Equal("CAFE NOIR", "Un Café crème");
        (await FoundAsync(store, "creme")).Should().Equal("Un Café crème");
        (await FoundAsync(store, "καφες")).Should().Equal("Ελληνικά ΚΑΦΕΣ");
        (await FoundAsync(store, "naive ubermensch")).Should().Equal("naïve Übermensch");
    }

    [SkippableFact]
    public async Task Search_takes_the_last_word_also_as_a_prefix_and_only_the_last()
    {
        var store = await OpenAsync();
        await AppendAsync(store, Messages("deployment done", "deploy done", "redeploy done", "deployment"));

        (await FoundAsync(store, "deploy")).Should().Equal("deployment", "deploy done", "deployment done");
        (await FoundAsync(store, "deploy don")).Should().Equal(["deploy done"], "the first word is whole, the last a prefix");
        (await FoundAsync(store, "ploy")).Should().BeEmpty("a prefix starts a word");
    }

    [SkippableFact]
    public async Task Search_finds_a_phrase_only_with_its_words_in_a_row()
    {
        var store = await OpenAsync();
        await AppendAsync(store, Messages("the build is red", "red build, is it?", "Build   is... RED", "the build is reddish"));

        (await FoundAsync(store, "\"build is red\"")).Should().Equal("Build   is... RED", "the build is red");
        (await FoundAsync(store, "\"is red\"")).Should().Equal(["Build   is... RED", "the build is red"], "a phrase's last word is whole");
        (await FoundAsync(store, "\"red build\"")).Should().Equal("red build, is it?");
        (await FoundAsync(store, "\"build is\" red")).Should().Equal(["the build is reddish", "Build   is... RED", "red build, is it?", "the build is red"], "a last word after a phrase is a prefix");
    }

    [SkippableFact]
    public async Task Search_keeps_to_the_conversations_and_the_author_asked_for()
    {
        var store = await OpenAsync();
        var direct = Conversation.Direct("alice", "bob");
        await AppendAsync(store, [
            new NewMessage("general", "alice", "release notes"),
            new NewMessage("dev", "bob", "release branch"),
            new NewMessage("ops", "carol", "release window"),
            new NewMessage(direct, "bob", "release secret"),
        ]);

        (await FoundAsync(store, "release")).Should().Equal("release notes");
        (await FoundAsync(store, "release", ["general", "dev", direct])).Should().Equal("release secret", "release branch", "release notes");
        (await FoundAsync(store, "release", ["general", "dev", direct], author: "bob")).Should().Equal("release secret", "release branch");
        (await FoundAsync(store, "release", ["ops"], author: "bob")).Should().BeEmpty();
        (await FoundAsync(store, "release", [])).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Search_returns_at_most_the_limit_the_newest()
    {
        var store = await OpenAsync();
        await AppendAsync(store, Messages([.. Enumerable.Range(1, 30).Select(n => $"note {n}")]));

        (await FoundAsync(store, "note", limit: 3)).Should().Equal("note 30", "note 29", "note 28");
    }

    [SkippableFact]
    public async Task Search_finds_an_edited_message_by_its_new_text_only_and_never_a_deleted_one()
    {
        var store = await OpenAsync();
        var sent = await AppendAsync(store, Messages("meet at the harbour", "harbour tour tomorrow"));

        await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", sent[0].Id, "alice", Text: "meet at the station"));
        await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", sent[0].Id, "bob", Emoji: "👍"));
        await ChangeAsync(store, new MessageChange(ChangeKind.Delete, "general", sent[1].Id, "alice"));

        (await FoundAsync(store, "harbour")).Should().BeEmpty("the old text is gone and the other message deleted");
        (await FoundAsync(store, "tour")).Should().BeEmpty();
        var found = await store.SearchAsync(new SearchRequest(["general"], SearchQuery.Parse("station").Terms, null, 10), default);
        found.Should().ContainSingle().Which.Should().BeEquivalentTo(await store.FindAsync("general", sent[0].Id, default), "a hit is the message as it is now");
    }

    [SkippableFact]
    public async Task Search_finds_messages_in_the_index_and_committed_since_together_newest_first()
    {
        var store = await OpenAsync();
        await AppendAsync(store, Messages("note one", "note two", "other"));
        await IndexAllAsync(store);
        await AppendAsync(store, Messages("note three", "note four"));

        (await FoundAsync(store, "note", limit: 3)).Should().Equal("note four", "note three", "note two");
        await AppendAsync(store, Messages("note five"));
        (await FoundAsync(store, "note")).Should().Equal("note five", "note four", "note three", "note two", "note one");
    }

    [SkippableFact]
    public async Task Search_follows_edits_and_deletes_of_messages_already_in_the_index()
    {
        var store = await OpenAsync();
        var sent = await AppendAsync(store, Messages("meet at the harbour", "harbour tour tomorrow", "harbour lights"));
        await IndexAllAsync(store);

        await ChangeAsync(store, new MessageChange(ChangeKind.Edit, "general", sent[0].Id, "alice", Text: "meet at the station"));
        await ChangeAsync(store, new MessageChange(ChangeKind.Delete, "general", sent[1].Id, "alice"));
        await ChangeAsync(store, new MessageChange(ChangeKind.AddReaction, "general", sent[2].Id, "bob", Emoji: "👍"));

        (await FoundAsync(store, "harbour")).Should().Equal(["harbour lights"], "the edited text and the deleted message left the index in their commit");
        (await FoundAsync(store, "station")).Should().Equal("meet at the station");
        (await FoundAsync(store, "tour")).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Search_finds_nothing_of_a_cleared_conversation_a_trimmed_message_or_a_removed_room()
    {
        var store = await OpenAsync(maxMessages: 3);
        await store.JoinAsync("alice", "dev", Limits(10, 10), default);
        await AppendAsync(store, In("dev", "gone with the room"));
        await AppendAsync(store, In("ops", "gone with the clear"));
        await IndexAllAsync(store);
        await AppendAsync(store, Messages("gone by retention", "kept 1", "kept 2", "kept 3"));
        await store.LeaveAsync("alice", "dev", Now.AddDays(-7), default);

        await store.ClearAsync("ops", default);
        (await store.RemoveEmptyRoomsAsync(Now.AddDays(-3), default)).Should().Equal("dev");

        (await FoundAsync(store, "gone", ["general", "dev", "ops"])).Should().BeEmpty();
        (await FoundAsync(store, "kept", ["general", "dev", "ops"])).Should().Equal("kept 3", "kept 2", "kept 1");
        await AppendAsync(store, In("ops", "back after the clear"));
        (await FoundAsync(store, "back", ["ops"])).Should().Equal("back after the clear");
    }

    [SkippableFact]
    public async Task Search_still_finds_after_a_restart()
    {
        var store = await OpenAsync();
        await AppendAsync(store, Messages("persistent words"));

        var reopened = await ReopenAsync();

        (await FoundAsync(reopened, "persistent")).Should().Equal("persistent words");
    }
}
