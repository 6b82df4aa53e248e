using Chat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

[Collection(BrowserTests.Name)]
public class ReconnectTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task After_a_server_restart_the_page_shows_every_missed_message_once_in_order()
    {
        await using var chat = await RunningChat.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        var expected = new List<string>();
        await using (var sender = await chat.ConnectAsync("sender"))
        {
            for (var i = 1; i <= 3; i++)
            {
                expected.Add((await sender.SendAsync($"before {i}", "sender"))!.Text);
            }
        }

        await Expect(alice.Messages).ToHaveCountAsync(3, new() { Timeout = ChatPage.Timeout });

        // Act: the server dies; while the page cannot reach it, a new server on the same file takes messages.
        await chat.KillAsync();
        await Expect(alice.State).ToHaveTextAsync("reconnecting", new() { Timeout = ChatPage.Timeout });
        await alice.SetOfflineAsync(true);
        await chat.RestartAsync();
        await using (var sender = await chat.ConnectAsync("sender"))
        {
            for (var i = 1; i <= 5; i++)
            {
                expected.Add((await sender.SendAsync($"missed {i}", "sender"))!.Text);
            }
        }

        await Expect(alice.State).ToHaveTextAsync("reconnecting");
        await Expect(alice.Messages).ToHaveCountAsync(3);
        await alice.SetOfflineAsync(false);

        // Assert
        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync([.. expected], new() { Timeout = ChatPage.Timeout });
        var ids = await alice.Page.Locator("#messages li.message").EvaluateAllAsync<long[]>("items => items.map(i => Number(i.dataset.id))");
        ids.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }
}
