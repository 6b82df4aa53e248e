using Chat.Testing;
using Chat.Tests.Infrastructure;

namespace Chat.Tests.ConsoleClient;

/// <summary>SPEC section 14 from the shell: <c>/search</c> typed into the real client process, its output piped, against a real server process.</summary>
public class SearchProcessTests
{
    private const string Client = "Chat.Client.Console.dll";

    [Fact]
    public async Task Search_prints_the_matches_of_every_conversation_the_user_is_in_newest_first_with_plain_marks_and_none_of_a_room_she_is_not_in()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await chat.ConnectAsync("alice");
        await using var bob = await chat.ConnectAsync("bob");
        await alice.JoinAsync("dev");
        await bob.JoinAsync("ops");
        await alice.SendToAsync("dev", "deploy at noon\nthen deploy again");
        await bob.SendAsync("deploy tonight?", "bob");
        await bob.SendToAsync("ops", "deploy the secret build");

        var result = await DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), "--user", "alice"], input: "/search deploy\n");

        result.ExitCode.Should().Be(0);
        result.Error.Should().BeEmpty();
        result.Output.Should().MatchRegex(
            "\n\\* 2 messages match \"deploy\":\n" +
            @"\[\d\d:\d\d\] #general bob: \*deploy\* tonight\?\n" +
            @"\[\d\d:\d\d\] #dev alice: \*deploy\* at noon\n" +
            @"             then \*deploy\* again\n");
        result.Output.Should().NotContain("secret", "alice is not in #ops");
        result.Output.Should().NotContain("\u001b", "piped output has no escape sequences");
    }

    [Fact]
    public async Task Search_with_nothing_to_search_for_prints_the_servers_sentence_and_the_prompt_goes_on()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");

        var result = await DotnetProcess.RunAsync(Client, ["--url", chat.Url.ToString(), "--user", "alice"], input: "/search\nstill here\n");
        var received = await bob.NextMessageAsync();

        result.ExitCode.Should().Be(0);
        result.Output.Should().Contain(
            "\nerror: There is nothing to search for. Search for words (letters or digits; the last one also matches as a prefix), " +
            "\"a phrase\" in double quotes, and optionally from:NAME and in:#room or in:@user; at most 200 characters.\n");
        result.Output.Should().NotContain("message match", "nothing was searched");
        received.Text.Should().Be("still here");
    }
}
