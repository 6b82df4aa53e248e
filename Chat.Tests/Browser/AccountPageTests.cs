using Chat.Testing;
using Chat.Tests.Infrastructure;
using Chat.Tests.Security;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>The page with built-in accounts (SPEC section 13): a sign-in form instead of a name, across tabs and reloads, and sign-out.</summary>
[Collection(BrowserTests.Name)]
public class AccountPageTests(BrowserFixture browser)
{
    private const string Password = "correct horse battery";

    private static Task<ChatProcess> StartAsync() =>
        ChatProcess.StartAsync("--Chat:Auth:SigningKey", AuthTests.Key, "--Chat:Auth:Accounts", "true");

    private static async Task<string> AccountsAsync(ChatProcess chat, params string[] arguments)
    {
        var result = await DotnetProcess.RunAsync(ChatProcessOptions.Server, ["accounts", .. arguments, "--ConnectionStrings:Chat", $"Data Source={chat.DatabasePath}"]);
        result.ExitCode.Should().Be(0, result.Error);
        return result.Output.TrimEnd().Split('\n')[^1].Trim();
    }

    private static async Task SignInAsync(ChatPage page, string name, string password)
    {
        await Expect(page.Page.Locator("#signin-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await page.Page.Locator("#signin-name").FillAsync(name);
        await page.Page.Locator("#signin-password").FillAsync(password);
        await page.Page.Locator("#signin-submit").ClickAsync();
    }

    private static async Task RegisterAsync(ChatPage page, string name, string invite)
    {
        await Expect(page.Page.Locator("#signin-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await page.Page.Locator("#signin-switch").ClickAsync();
        await page.Page.Locator("#signin-name").FillAsync(name);
        await page.Page.Locator("#signin-password").FillAsync(Password);
        await page.Page.Locator("#signin-invite").FillAsync(invite);
        await page.Page.Locator("#signin-submit").ClickAsync();
    }

    [SkippableFact]
    public async Task Registering_with_an_invite_signs_in_without_asking_for_a_name_and_stays_signed_in_across_tabs_and_reloads()
    {
        await using var chat = await StartAsync();
        var invite = await AccountsAsync(chat, "invite");
        await using var alice = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");

        await Expect(alice.Page.Locator("#signin-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#name-dialog")).ToBeHiddenAsync();
        await alice.ScreenshotAsync("accounts-sign-in-form");
        await RegisterAsync(alice, "alice", invite);

        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#me")).ToHaveTextAsync("alice");
        await Expect(alice.Page.Locator("#sign-out")).ToBeVisibleAsync();
        await alice.SendAsync("registered");
        await Expect(alice.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("registered", new() { Timeout = ChatPage.Timeout });
        await alice.ScreenshotAsync("accounts-signed-in");

        // Another tab of the same browser, and a reload: signed in from the cookie, no form.
        var second = await alice.Page.Context.NewPageAsync();
        await second.GotoAsync(new Uri(chat.Url, "/").ToString());
        await Expect(second.Locator("#state")).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(second.Locator("#signin-dialog")).ToBeHiddenAsync();
        await alice.Page.ReloadAsync();
        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#signin-dialog")).ToBeHiddenAsync();
        await Expect(alice.Page.Locator("#me")).ToHaveTextAsync("alice");
        alice.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_wrong_password_is_said_in_the_form_and_signing_out_shows_the_form_in_every_tab()
    {
        await using var chat = await StartAsync();
        await using var bob = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");
        await RegisterAsync(bob, "bob", await AccountsAsync(chat, "invite"));
        await Expect(bob.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        var other = await bob.Page.Context.NewPageAsync();
        await other.GotoAsync(new Uri(chat.Url, "/").ToString());
        await Expect(other.Locator("#state")).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });

        await bob.Page.Locator("#sign-out").ClickAsync();

        await Expect(bob.Page.Locator("#signin-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(other.Locator("#signin-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(bob.State).ToHaveTextAsync("offline");
        await SignInAsync(bob, "bob", "not the password");
        await Expect(bob.Page.Locator("#signin-error")).ToHaveTextAsync("The name or the password is wrong.", new() { Timeout = ChatPage.Timeout });
        await bob.ScreenshotAsync("accounts-wrong-password");
        await bob.Page.Locator("#signin-password").FillAsync(Password);
        await bob.Page.Locator("#signin-submit").ClickAsync();
        await Expect(bob.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(other.Locator("#state")).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
    }

    [SkippableFact]
    public async Task A_tab_whose_sign_in_ends_asks_to_sign_in_instead_of_reconnecting_forever()
    {
        await using var chat = await StartAsync();
        await using var carol = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");
        await RegisterAsync(carol, "carol", await AccountsAsync(chat, "invite"));
        await Expect(carol.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        var negotiates = 0;
        carol.Page.Request += (_, request) =>
        {
            if (request.Url.Contains("/negotiate", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref negotiates);
            }
        };

        await AccountsAsync(chat, "disable", "carol");

        await Expect(carol.Page.Locator("#signin-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(carol.Page.Locator("#signin-error")).ToHaveTextAsync("Your sign-in has ended; sign in again.");
        await carol.ScreenshotAsync("accounts-sign-in-ended");
        await Task.Delay(TimeSpan.FromSeconds(6));
        negotiates.Should().BeLessThanOrEqualTo(2, "a refused token is not retried");
    }

    [SkippableFact]
    public async Task A_one_time_password_leads_to_choosing_a_password()
    {
        await using var chat = await StartAsync();
        var oneTime = await AccountsAsync(chat, "add", "dave");
        await using var dave = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");

        await SignInAsync(dave, "dave", oneTime);
        await Expect(dave.Page.Locator("#password-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await dave.Page.Locator("#new-password").FillAsync("short");
        await dave.Page.Locator("#password-form button").ClickAsync();
        await Expect(dave.Page.Locator("#password-error")).ToHaveTextAsync("The password is too short: use at least 10 characters (a few words make a good one).", new() { Timeout = ChatPage.Timeout });
        await dave.Page.Locator("#new-password").FillAsync("dave's own password");
        await dave.Page.Locator("#password-form button").ClickAsync();

        await Expect(dave.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(dave.Page.Locator("#me")).ToHaveTextAsync("dave");
    }

    [SkippableFact]
    public async Task An_admin_makes_an_invite_on_the_page_that_someone_else_registers_with()
    {
        await using var chat = await StartAsync();
        var oneTime = await AccountsAsync(chat, "add", "root", "--admin");
        await using var root = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");
        await SignInAsync(root, "root", oneTime);
        await root.Page.Locator("#new-password").FillAsync("the root password");
        await root.Page.Locator("#password-form button").ClickAsync();
        await Expect(root.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });

        await root.Page.Locator("#invite").ClickAsync();
        await Expect(root.Page.Locator("#invite-code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[a-z0-9]{26}$"), new() { Timeout = ChatPage.Timeout });
        await root.ScreenshotAsync("accounts-invite");
        var code = await root.Page.Locator("#invite-code").TextContentAsync();
        await using var frank = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");
        await RegisterAsync(frank, "frank", code!);

        await Expect(frank.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(frank.Page.Locator("#invite")).ToBeHiddenAsync();
    }

    [SkippableFact]
    public async Task The_page_renews_its_token_before_it_expires_without_a_reload()
    {
        await using var chat = await ChatProcess.StartAsync(
            "--Chat:Auth:SigningKey", AuthTests.Key, "--Chat:Auth:Accounts", "true", "--Chat:Auth:AccessTokenMinutes", "1");
        await using var erin = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");
        var refreshes = 0;
        erin.Page.Response += (_, response) =>
        {
            if (response.Url.EndsWith("/auth/refresh", StringComparison.Ordinal) && response.Status == 200)
            {
                Interlocked.Increment(ref refreshes);
            }
        };
        await RegisterAsync(erin, "erin", await AccountsAsync(chat, "invite"));
        await Expect(erin.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });

        // A one-minute token is renewed a minute ahead, which is at once (after 5 s): the page stays as it is.
        await Eventually.Until(() => Volatile.Read(ref refreshes) > 0, "the page renewed its token");
        await erin.SendAsync("after renewal");
        await Expect(erin.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("after renewal", new() { Timeout = ChatPage.Timeout });
        erin.Page.Url.Should().Be(new Uri(chat.Url, "/").ToString());
    }
}
