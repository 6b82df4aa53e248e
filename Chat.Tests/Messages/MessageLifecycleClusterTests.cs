using Chat.Tests.Infrastructure;
using Chat.Tests.ScaleOut;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Tests.Messages;

/// <summary>SPEC section 12 across two Chat processes with real Redis and PostgreSQL.</summary>
public sealed class MessageLifecycleClusterTests : ClusterTest
{
    [SkippableFact]
    public async Task Replies_edits_deletes_and_reactions_on_one_node_reach_the_members_on_the_other_in_order()
    {
        await using var alice = await A.ConnectAsync("alice");
        await using var bob = await B.ConnectAsync("bob");
        await using var carol = await B.ConnectAsync("carol");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("dev");
        var question = (await alice.PostAsync("dev", "@bob which build?"))!;
        var answer = (await bob.PostAsync("dev", "the green one", replyTo: question.Id))!;

        var edited = await alice.EditAsync("dev", question.Id, "@bob which build broke?");
        await bob.ReactAsync("dev", question.Id, "👀");
        await alice.DeleteAsync("dev", question.Id);
        var marker = (await carol.SendAsync("marker", "carol"))!;

        (await bob.MessagesAsync(3)).Select(message => message.Id).Should().Equal(question.Id, answer.Id, marker.Id);
        var updates = new[] { await bob.NextUpdateAsync(), await bob.NextUpdateAsync(), await bob.NextUpdateAsync() };
        updates[0].Should().BeEquivalentTo(edited);
        updates[1].Reactions.Should().BeEquivalentTo([new Reaction("👀", ["bob"])]);
        updates[2].Deleted.Should().BeTrue();
        updates.Select(update => update.Version).Should().BeInAscendingOrder();
        answer.ReplyTo.Should().Be(question.Id);
        question.Mentions.Should().Equal("bob");
        carol.UpdatesSoFar().Should().BeEmpty("carol is not in #dev");
        (await bob.MissedAsync(answer.Id)).Select(message => (message.Id, message.Deleted)).Should().Equal((question.Id, true), (marker.Id, false));
    }

    [SkippableFact]
    public async Task A_rule_is_refused_the_same_on_the_node_that_did_not_store_the_message()
    {
        await using var alice = await A.ConnectAsync("alice");
        await using var bob = await B.ConnectAsync("bob");
        var sent = (await alice.PostAsync("general", "mine"))!;

        var edit = () => bob.EditAsync("general", sent.Id, "not yours");

        (await edit.Should().ThrowAsync<HubException>()).Which.Message.Should().EndWith($"Message {sent.Id} is alice's; you can edit only your own messages.");
        (await bob.HistoryAsync()).Should().ContainSingle().Which.Should().Be(sent);
    }
}
