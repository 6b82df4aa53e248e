using System.Net;
using System.Net.Sockets;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// The page with single sign-on (SPEC section 13), against a real OpenID provider on loopback: signing in goes through
/// the provider's own login and consent pages, the access token is renewed before it expires without a reload, and
/// signing out goes through the provider's sign-out page.
/// </summary>
[Collection(BrowserTests.Name)]
public class SingleSignOnPageTests(BrowserFixture browser)
{
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The provider first (its address goes into Chat's settings), told the page's address ahead.</summary>
    private static async Task<(OidcProvider Provider, ChatProcess Chat)> StartAsync(int accessTokenSeconds = 300)
    {
        var port = FreePort();
        var provider = await OidcProvider.StartAsync([$"http://127.0.0.1:{port}/", $"http://127.0.0.1:{port}/silent.html"], accessTokenSeconds, "root");
        var chat = await ChatProcess.StartAsync(new ChatProcessOptions
        {
            Port = port,
            Arguments =
            [
                "--Chat:Auth:Authority", provider.Issuer, "--Chat:Auth:Audience", OidcProvider.Audience,
                "--Chat:Auth:ClientId", OidcProvider.ClientId, "--Chat:Auth:AdminRole", OidcProvider.AdminRole,
            ],
        });
        return (provider, chat);
    }

    /// <summary>Clicks the page's sign-in button and goes through the provider's login and consent pages as <paramref name="user"/>.</summary>
    private static async Task SignInAtProviderAsync(IPage page, string user)
    {
        await Expect(page.Locator("#sso-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await page.Locator("#sso-button").ClickAsync();
        await page.Locator("input[name=login]").FillAsync(user, new() { Timeout = ChatPage.Timeout });
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign-in" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync(new() { Timeout = ChatPage.Timeout });
    }

    [SkippableFact]
    public async Task Signing_in_goes_through_the_providers_login_page_and_back_signed_in_across_tabs_and_reloads()
    {
        var (provider, chat) = await StartAsync();
        await using var _ = provider;
        await using var __ = chat;
        await using var alice = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");

        await Expect(alice.Page.Locator("#sso-button")).ToHaveTextAsync($"Sign in with {new Uri(provider.Issuer).Authority}", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#name-dialog")).ToBeHiddenAsync();
        await alice.ScreenshotAsync("sso-sign-in");
        await SignInAtProviderAsync(alice.Page, "alice");

        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#me")).ToHaveTextAsync("alice");
        alice.Page.Url.Should().Be(new Uri(chat.Url, "/").ToString(), "the code is taken out of the address");
        await alice.SendAsync("signed in with single sign-on");
        await Expect(alice.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("signed in with single sign-on", new() { Timeout = ChatPage.Timeout });
        await alice.ScreenshotAsync("sso-signed-in");

        var second = await alice.Page.Context.NewPageAsync();
        await second.GotoAsync(new Uri(chat.Url, "/").ToString());
        await Expect(second.Locator("#state")).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await alice.Page.ReloadAsync();
        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#sso-dialog")).ToBeHiddenAsync();
    }

    [SkippableFact]
    public async Task The_token_is_renewed_before_it_expires_without_a_reload_and_signing_out_goes_through_the_provider()
    {
        // A token of 70 s is renewed when a minute is left: 10 s after signing in.
        var (provider, chat) = await StartAsync(accessTokenSeconds: 70);
        await using var _ = provider;
        await using var __ = chat;
        await using var bob = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");
        var renewals = 0;
        bob.Page.Request += (_, request) =>
        {
            if (request.Method == "POST" && request.Url.EndsWith("/token", StringComparison.Ordinal) && (request.PostData ?? "").Contains("grant_type=refresh_token", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref renewals);
            }
        };
        await SignInAtProviderAsync(bob.Page, "bob");
        await Expect(bob.State).ToHaveTextAsync("connected", new() { Timeout = ChatPage.Timeout });
        var address = bob.Page.Url;

        await Eventually.Until(() => Volatile.Read(ref renewals) > 0, "the page renewed its token with the refresh token");
        await bob.SendAsync("after the renewal");
        await Expect(bob.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("after the renewal", new() { Timeout = ChatPage.Timeout });
        bob.Page.Url.Should().Be(address, "no reload");

        await bob.Page.Locator("#sign-out").ClickAsync();
        await bob.Page.GetByRole(AriaRole.Button, new() { Name = "Yes, sign me out" }).ClickAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(bob.Page.Locator("#sso-dialog")).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await bob.ScreenshotAsync("sso-signed-out");
        await Expect(bob.State).ToHaveTextAsync("offline");
    }
}
