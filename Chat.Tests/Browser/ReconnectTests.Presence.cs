using Chat.Testing;
using Chat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>Presence lines after a server restart: only real arrivals (a restarted server announces everyone reconnecting to it).</summary>
public partial class ReconnectTests
{
    [SkippableFact]
    public async Task After_a_server_restart_the_page_shows_no_arrival_for_those_who_were_online_and_come_back()
    {
        await using var chat = await ChatProcess.StartAsync();
        var tap = new HubTap();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice", prepare: tap.InstallAsync);
        await Expect(alice.Online).ToHaveTextAsync(["alice"], new() { Timeout = ChatPage.Timeout }); // the page has the server's list
        await using var bob = await ChatClient.ConnectAsync(chat.Url, "bob");
        var arrivals = alice.Lines.Filter(new() { HasText = " joined" });
        await Expect(arrivals).ToHaveTextAsync(["bob joined"], new() { Timeout = ChatPage.Timeout });

        // Act: the server dies and comes back on the same port and history; the page and bob reconnect by themselves.
        await chat.RestartAsync();
        await Eventually.Until(
            () => tap.CallsOnPage(nameof(IChatClient.UserJoined)).Count(arguments => arguments[0].GetString() == "bob") == 2,
            "the restarted server announces bob's return to the page",
            TimeSpan.FromSeconds(60));
        await using var carol = await chat.ConnectAsync("carol");

        // Assert: carol arrived; bob and alice herself only came back.
        await Expect(arrivals).ToHaveTextAsync(["bob joined", "carol joined"], new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Online).ToHaveTextAsync(["alice", "bob", "carol"]);
        alice.Problems.Should().OnlyContain(problem => problem.Contains("ERR_CONNECTION_REFUSED"), "the only failures are the reconnect attempts while the server was down");
    }
}
