using Chat.Testing;
using Chat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

[Collection(BrowserTests.Name)]
public class PageTests(BrowserFixture browser)
{
    private static readonly Microsoft.Playwright.LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };

    [SkippableFact]
    public async Task Two_pages_chat_with_each_other_and_both_show_who_is_online()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await using var bob = await ChatPage.OpenAsync(browser.Browser, chat.Url, "bob");

        await alice.SendAsync("hi bob");
        await Expect(bob.Messages).ToHaveCountAsync(1, new() { Timeout = ChatPage.Timeout });
        await bob.SendAsync("hello alice");

        foreach (var page in new[] { alice, bob })
        {
            await Expect(page.Messages).ToHaveCountAsync(2, new() { Timeout = ChatPage.Timeout });
            await Expect(page.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["hi bob", "hello alice"], new() { Timeout = ChatPage.Timeout });
            await Expect(page.Online).ToHaveTextAsync(["alice", "bob"], new() { Timeout = ChatPage.Timeout });
        }

        await Expect(alice.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("hi bob", Patiently);
        await Expect(bob.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("hello alice", Patiently);
        await Expect(alice.Lines.Last).ToHaveTextAsync("bob joined", Patiently);
        await Expect(alice.Input).ToHaveValueAsync("");
        await alice.ScreenshotAsync("two-users-alice");
        await bob.ScreenshotAsync("two-users-bob");
        alice.Problems.Concat(bob.Problems).Should().BeEmpty("the page loads and runs with no console errors and no failed requests");
    }

    [SkippableFact]
    public async Task History_is_shown_on_load_and_a_leaving_user_is_announced()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using (var carol = await chat.ConnectAsync("carol"))
        {
            await carol.SendAsync("said before you came", "carol");
        }

        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["said before you came"], new() { Timeout = ChatPage.Timeout });

        var dave = await chat.ConnectAsync("dave");
        await Expect(alice.Online).ToHaveTextAsync(["alice", "dave"], new() { Timeout = ChatPage.Timeout });

        // A visit shorter than the join's settle time is announced neither way: dave stays until he is announced.
        await Expect(alice.Lines.Last).ToHaveTextAsync("dave joined", Patiently);
        await dave.DisposeAsync();

        await Expect(alice.Lines.Last).ToHaveTextAsync("dave left", Patiently);
        await Expect(alice.Online).ToHaveTextAsync(["alice"], new() { Timeout = ChatPage.Timeout });
    }

    [SkippableFact]
    public async Task A_3000_character_message_shows_the_length_error_next_to_the_input_and_keeps_the_text()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        var text = new string('a', 3000);

        await alice.SendAsync(text);

        await Expect(alice.Error).ToBeVisibleAsync();
        await Expect(alice.Error).ToHaveTextAsync("The message is 3000 characters long; at most 2000 are allowed. Shorten it or split it in parts.", Patiently);
        await Expect(alice.Input).ToHaveValueAsync(text);
        await alice.ScreenshotAsync("length-error");
        await Expect(alice.Messages).ToHaveCountAsync(0);
    }

    [SkippableFact]
    public async Task Markup_in_a_message_is_shown_as_text_and_never_run()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        const string markup = "<img src=x onerror=\"window.injected=1\"><b>bold?</b>";

        await alice.SendAsync(markup);

        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(markup, Patiently);
        (await alice.Page.Locator("#messages img, #messages b").CountAsync()).Should().Be(0);
        (await alice.Page.EvaluateAsync<bool>("() => window.injected === undefined")).Should().BeTrue();
    }

    [SkippableFact]
    public async Task The_page_fits_a_phone_screen()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice", width: 375);

        await alice.SendAsync("small screen, " + new string('w', 120));

        await Expect(alice.Messages).ToHaveCountAsync(1, new() { Timeout = ChatPage.Timeout });
        var overflow = await alice.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        overflow.Should().BeLessThanOrEqualTo(0, "nothing is wider than the screen");
        await Expect(alice.Page.Locator("#composer button[type='submit']")).ToBeInViewportAsync();
        await Expect(alice.Online).ToHaveTextAsync(["alice"], new() { Timeout = ChatPage.Timeout });
        await alice.ScreenshotAsync("phone");
    }

    [SkippableFact]
    public async Task A_name_with_a_right_to_left_override_does_not_reorder_the_message_text()
    {
        // The server refuses such names now; a history written before that rule can still hold one.
        var database = ChatApplication.NewDatabasePath();
        using var store = new Server.History.Sqlite.SqliteStore($"Data Source={database}", new Server.History.Retention(100));
        await store.InitializeAsync(default);
        await store.AppendAsync([new Server.History.NewMessage("general", "\u202Eecila", "hello world 123")], DateTime.UtcNow, default);
        await using var chat = await ChatProcess.StartOnAsync(database);

        await using var bob = await ChatPage.OpenAsync(browser.Browser, chat.Url, "bob");
        await Expect(bob.Messages).ToHaveCountAsync(1, new() { Timeout = ChatPage.Timeout });

        // Where the text's first and last characters are drawn: left to right, as written.
        var positions = await bob.Page.Locator("#messages li.message .text").EvaluateAsync<double[]>(
            @"node => {
                const at = (i) => { const range = document.createRange(); range.setStart(node.firstChild, i); range.setEnd(node.firstChild, i + 1); return range.getBoundingClientRect().left; };
                return [at(0), at(node.textContent.length - 1)];
            }");
        await bob.ScreenshotAsync("right-to-left-name");
        positions[0].Should().BeLessThan(positions[1], "the name's override must not reach the text");
    }
}
