using Chat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Search;

/// <summary>SPEC section 14's search through the hub: each query form, highlights, privacy from every side, bad input, the read budget.</summary>
public class SearchTests
{
    [Fact]
    public async Task Words_are_all_required_the_last_also_as_a_prefix_newest_first_accents_and_case_ignored()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        var first = (await alice.PostAsync("general", "Le CAFÉ est prêt"))!;
        var second = (await alice.PostAsync("general", "cafe later, deploying now"))!;
        await alice.PostAsync("general", "tea only");

        var cafe = await alice.SearchAsync("Café");
        var prefix = await alice.SearchAsync("cafe deplo");

        cafe.Select(hit => hit.Message).Should().Equal(second, first);
        Shown(cafe[1]).Should().Equal("CAFÉ");
        Shown(cafe[0]).Should().Equal("cafe");
        prefix.Should().ContainSingle().Which.Message.Should().Be(second);
        Shown(prefix[0]).Should().Equal("cafe", "deploying");
    }

    [Fact]
    public async Task A_phrase_matches_its_words_in_a_row_and_each_of_them_is_highlighted()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        var inRow = (await alice.PostAsync("general", "Today: the Build... is RED again; build is fine tomorrow"))!;
        await alice.PostAsync("general", "is the build red?");

        var hits = await alice.SearchAsync("\"build is red\"");

        hits.Should().ContainSingle().Which.Message.Should().Be(inRow);
        Shown(hits[0]).Should().Equal("Build", "is", "RED");
        hits[0].Highlights.Select(span => (span[0], span[1])).Should().Equal((11, 5), (20, 2), (23, 3));
    }

    [Fact]
    public async Task From_and_in_narrow_the_search_to_one_author_and_one_conversation()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");
        var inGeneral = (await bob.PostAsync("general", "release today"))!;
        var inDev = (await alice.PostAsync("dev", "release branch cut"))!;
        var direct = (await bob.PostAsync("@alice", "release party?"))!;
        await using var annLee = await app.ConnectAsync("ann lee");
        var annLees = (await annLee.PostAsync("general", "release notes by ann"))!;

        (await alice.SearchAsync("release")).Select(hit => hit.Message.Id).Should().Equal(annLees.Id, direct.Id, inDev.Id, inGeneral.Id);
        (await alice.SearchAsync("release from:bob")).Select(hit => hit.Message.Id).Should().Equal(direct.Id, inGeneral.Id);
        (await alice.SearchAsync("release in:#dev")).Select(hit => hit.Message.Id).Should().Equal(inDev.Id);
        (await alice.SearchAsync("release", "dev")).Select(hit => hit.Message.Id).Should().Equal(inDev.Id);
        (await alice.SearchAsync("in:@bob release")).Should().ContainSingle().Which.Message.Should().BeEquivalentTo(direct with { Room = "@bob" }, "alice sees the conversation as @bob");
        (await bob.SearchAsync("release", "@alice")).Should().ContainSingle().Which.Message.Room.Should().Be("@alice");
        (await alice.SearchAsync("release from:bob in:general")).Select(hit => hit.Message.Id).Should().Equal(inGeneral.Id);
        (await alice.SearchAsync("release from:@bob")).Select(hit => hit.Message.Id).Should().Equal(direct.Id, inGeneral.Id);
        (await alice.SearchAsync("from:\"ann lee\" release")).Select(hit => hit.Message.Id).Should().Equal(annLees.Id);
    }

    [Fact]
    public async Task Results_carry_the_current_text_and_never_a_deleted_message()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        var edited = (await alice.PostAsync("general", "meet at the harbour"))!;
        var deleted = (await alice.PostAsync("general", "harbour tour"))!;

        var now = await alice.EditAsync("general", edited.Id, "meet at the station, not the old harbour");
        await alice.DeleteAsync("general", deleted.Id);

        var hits = await alice.SearchAsync("harbour");
        hits.Should().ContainSingle().Which.Message.Should().BeEquivalentTo(now);
        Shown(hits[0]).Should().Equal("harbour");
        (await alice.SearchAsync("tour")).Should().BeEmpty();
    }

    [Fact]
    public async Task Nobody_finds_a_message_of_a_conversation_they_cannot_read_however_they_ask()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await using var carol = await app.ConnectAsync("carol");
        await using var guest = await app.ConnectAsync(null);
        await alice.JoinAsync("dev");
        await alice.PostAsync("dev", "secret plan in dev");
        await alice.PostAsync("@bob", "secret plan for bob");
        var open = (await alice.PostAsync("general", "secret plan for everyone"))!;

        // Not named: only general for carol, who is in neither, and for a guest
        (await carol.SearchAsync("secret plan")).Select(hit => hit.Message.Id).Should().Equal(open.Id);
        (await guest.SearchAsync("secret plan")).Select(hit => hit.Message.Id).Should().Equal(open.Id);

        // Named: a room she is not in is refused; her own conversation with alice (or bob) is not theirs
        (await Refused(() => carol.SearchAsync("secret", "dev"))).Should().EndWith("You are not in #dev; join it first.");
        (await Refused(() => carol.SearchAsync("secret in:#dev"))).Should().EndWith("You are not in #dev; join it first.");
        (await carol.SearchAsync("secret", "@bob")).Should().BeEmpty();
        (await carol.SearchAsync("secret in:@alice")).Should().BeEmpty();

        // A guest: only general, whatever it names
        (await Refused(() => guest.SearchAsync("secret", "dev"))).Should().EndWith("Guests can only use #general; connect with a name (or sign in) for rooms and direct messages.");
        (await Refused(() => guest.SearchAsync("secret in:@bob"))).Should().EndWith("Guests can only use #general; connect with a name (or sign in) for rooms and direct messages.");

        // Leaving a room ends what its search shows
        await alice.LeaveAsync("dev");
        (await alice.SearchAsync("secret plan")).Select(hit => hit.Message.Text).Should().Equal("secret plan for everyone", "secret plan for bob");
    }

    [Fact]
    public async Task Bad_searches_are_refused_with_what_is_allowed()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice");
        const string Allowed = "Search for words (letters or digits; the last one also matches as a prefix), \"a phrase\" in double quotes, and optionally from:NAME and in:#room or in:@user";

        (await Refused(() => alice.SearchAsync(""))).Should().EndWith($"There is nothing to search for. {Allowed}; at most 200 characters.");
        (await Refused(() => alice.SearchAsync(null))).Should().EndWith($"There is nothing to search for. {Allowed}; at most 200 characters.");
        (await Refused(() => alice.SearchAsync("  ?! from:bob "))).Should().EndWith($"There is nothing to search for. {Allowed}; at most 200 characters.");
        (await Refused(() => alice.SearchAsync(new string('a', 201)))).Should().EndWith($"A search is at most 200 characters; yours has 201. {Allowed}.");
        (await Refused(() => alice.SearchAsync("word", limit: 0))).Should().EndWith("The search limit 0 is out of range; ask for 1 to 100 results.");
        (await Refused(() => alice.SearchAsync("word", limit: 101))).Should().EndWith("The search limit 101 is out of range; ask for 1 to 100 results.");
        (await Refused(() => alice.SearchAsync("a b c d e f g h i j k"))).Should().EndWith("A search has at most 10 words and phrases; yours has 11.");
        (await Refused(() => alice.SearchAsync("word from:bob from:carol"))).Should().EndWith("A search names at most one from: (one user, one conversation); search again with one.");
        (await Refused(() => alice.SearchAsync("word in:#dev", "general"))).Should().EndWith(
            "The search names two conversations (general and in:#dev); search one at a time, or leave room empty to search all of yours.");
        (await Refused(() => alice.SearchAsync("word in:#No!"))).Should().EndWith("'#No!' is not a room name: use 1 to 32 characters of a-z, 0-9, - and _, starting with a letter or digit.");
        (await Refused(() => alice.SearchAsync("word from:a\u200Bb"))).Should().Contain("HubException: from:a\u200Bb does not name a user: The user name contains an invisible");
    }

    [Fact]
    public async Task A_search_costs_the_results_it_may_return_against_the_read_budget()
    {
        await using var app = new ChatApplication(new Dictionary<string, string?> { ["Chat:RateLimit:ReadsPerSecond"] = "10", ["Chat:RateLimit:ReadBurst"] = "1000" });
        await using var alice = await app.ConnectAsync("alice");
        await using var bob = await app.ConnectAsync("bob");
        await alice.HistoryAsync(null, 500);
        await alice.HistoryAsync(null, 400);

        // Act: what is left of the burst pays for a search of 1 result, not for one of 100
        await alice.SearchAsync("anything", limit: 1);
        var over = () => alice.SearchAsync("anything", limit: 100);

        (await Refused(over)).Should().Contain("You are reading too fast");
        (await bob.SearchAsync("anything", limit: 100)).Should().BeEmpty("each user has a budget of their own");
    }

    [Fact]
    public async Task Results_reach_a_MessagePack_client_too()
    {
        await using var app = new ChatApplication();
        await using var alice = await app.ConnectAsync("alice", messagePack: true);
        var sent = (await alice.PostAsync("general", "packed café"))!;

        var hits = await alice.SearchAsync("cafe");

        hits.Should().ContainSingle().Which.Message.Id.Should().Be(sent.Id);
        hits[0].Highlights.Select(span => (span[0], span[1])).Should().Equal((7, 4));
    }

    /// <summary>The words a hit's highlights point at in its text.</summary>
    private static string[] Shown(SearchHit hit) => [.. hit.Highlights.Select(span => hit.Message.Text.Substring(span[0], span[1]))];

    private static async Task<string> Refused(Func<Task> call) => (await call.Should().ThrowAsync<HubException>()).Which.Message;
}
