using Chat.Testing;
using Chat.Server.Security;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

[Collection(BrowserTests.Name)]
public class SignInTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task A_token_in_the_address_signs_in_under_its_name_and_leaves_the_address_bar()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key);
        var token = ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromHours(1));

        await using var alice = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, $"/#token={token}");

        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#me")).ToHaveTextAsync("alice");
        alice.Page.Url.Should().NotContain(token, "the token is taken out of the address");
        await alice.SendAsync("signed in");
        await Expect(alice.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("signed in", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Online).ToHaveTextAsync(["alice"], new() { Timeout = ChatPage.Timeout });
    }

    [SkippableFact]
    public async Task Without_a_token_the_page_asks_for_one_and_not_for_a_name_and_signs_in_with_it()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key);
        await using var bob = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");

        await Expect(bob.Page.Locator("#token-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(bob.Page.Locator("#name-dialog")).ToBeHiddenAsync();
        await bob.Page.Locator("#token").FillAsync(ChatTokens.Create(AuthTests.Key, "bob", admin: false, TimeSpan.FromHours(1)));
        await bob.Page.Locator("#token-form button").ClickAsync();

        await Expect(bob.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(bob.Online).ToHaveTextAsync(["bob"], new() { Timeout = ChatPage.Timeout });
    }

    [SkippableFact]
    public async Task When_the_token_expires_the_page_asks_for_a_new_one_keeps_the_typed_text_and_goes_on()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key);
        var shortLived = ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromSeconds(6));
        await using var alice = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, $"/#token={shortLived}");
        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await alice.Input.FillAsync("typed before it expired");

        await Expect(alice.Page.Locator("#token-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#token-error")).ToHaveTextAsync("Your sign-in token has expired. Paste a new one to go on; your unsent message is kept.");
        await alice.ScreenshotAsync("token-expired");
        await alice.Page.Locator("#token").FillAsync(ChatTokens.Create(AuthTests.Key, "alice", admin: false, TimeSpan.FromHours(1)));
        await alice.Page.Locator("#token-form button").ClickAsync();

        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Input).ToHaveValueAsync("typed before it expired");
        await alice.Input.PressAsync("Enter");
        await Expect(alice.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("typed before it expired", new() { Timeout = ChatPage.Timeout });
        alice.Problems.Should().BeEmpty();
    }
}
