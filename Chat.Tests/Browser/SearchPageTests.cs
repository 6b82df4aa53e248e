using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Search on the page (SPEC section 14): the box above the conversations, results newest first with the matched words
/// marked, a result that opens its message in its conversation (loading earlier pages), only what the user can read, and
/// the server's sentence for a refused query. The tests share one server (with the 150-message archive room of carol
/// and gus) and each uses its own users.
/// </summary>
[Collection(BrowserTests.Name)]
public class SearchPageTests(BrowserFixture browser, SharedChat chat) : IClassFixture<SharedChat>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToContainTextOptions PatientlyContains = new() { Timeout = ChatPage.Timeout };

    private static ILocator Hits(ChatPage page) => page.Page.Locator("#search-list .hit");

    private static async Task SearchAsync(ChatPage page, string query, int width = 1024)
    {
        if (width < 640)
        {
            await page.Page.Locator("#menu").ClickAsync();
        }

        await page.Page.Locator("#search").FillAsync(query);
        await page.Page.Locator("#search").PressAsync("Enter");
    }

    [SkippableFact]
    public async Task Results_come_newest_first_with_the_words_marked_and_one_opens_its_message_far_back_in_its_room()
    {
        await using var gus = await ChatPage.OpenAsync(browser.Browser, chat.Url, "gus", width: 1200);

        // Act: a word of every archive message.
        await SearchAsync(gus, "Archive");

        // Assert: the newest 50, newest first, the word marked (case ignored), the conversation named.
        await Expect(gus.Page.Locator("#search-title")).ToHaveTextAsync("The newest 50 messages matching “Archive”, newest first", Patiently);
        await Expect(Hits(gus)).ToHaveCountAsync(50);
        await Expect(Hits(gus).First.Locator(".hit-text")).ToHaveTextAsync(SharedChat.ArchiveText(150));
        await Expect(Hits(gus).First.Locator("mark")).ToHaveTextAsync("archive");
        await Expect(Hits(gus).First.Locator(".hit-room")).ToHaveTextAsync("#archive");
        await gus.ScreenshotAsync("search-results");

        // Act: a message older than the room's first page, by a phrase.
        await SearchAsync(gus, "\"archive 005\"");
        await Expect(Hits(gus)).ToHaveCountAsync(1, new() { Timeout = ChatPage.Timeout });
        await Expect(Hits(gus).Locator("mark")).ToHaveTextAsync(["archive", "005"]);
        await Hits(gus).ClickAsync();

        // Assert: the room opens at it, loading earlier pages, and marks it.
        await Expect(gus.Page.Locator("#search-results")).ToBeHiddenAsync();
        await Expect(gus.Title).ToHaveTextAsync("#archive", Patiently);
        var found = gus.Message(SharedChat.ArchiveText(5));
        await Expect(found).ToBeInViewportAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(found).ToHaveClassAsync(new Regex(@"\bhighlight\b"));
        (await gus.Messages.CountAsync()).Should().BeGreaterThan(100, "earlier pages were loaded to reach it");
        await gus.ScreenshotAsync("search-result-opened");
        gus.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Nobody_finds_a_message_of_a_room_they_are_not_in_and_a_refused_query_says_why()
    {
        await using var hal = await ChatPage.OpenAsync(browser.Browser, chat.Url, "hal", width: 390, touch: true);

        await SearchAsync(hal, "archive", width: 390);

        await Expect(hal.Page.Locator("#search-title")).ToHaveTextAsync("No message matches “archive”.", Patiently);
        await Expect(Hits(hal)).ToHaveCountAsync(0);
        await hal.ScreenshotAsync("search-nothing-phone");

        // A query with no word: the server's sentence, in the results' title.
        await hal.Page.Locator("#search-close").ClickAsync();
        await SearchAsync(hal, "from:carol", width: 390);
        await Expect(hal.Page.Locator("#search-title")).ToHaveClassAsync(new Regex(@"\berror\b"), new() { Timeout = ChatPage.Timeout });
        (await hal.Page.Locator("#search-title").TextContentAsync()).Should().NotBeNullOrWhiteSpace().And.NotContain("HubException");
        await hal.Page.Keyboard.PressAsync("Escape");
        await Expect(hal.Page.Locator("#search-results")).ToBeHiddenAsync();
        hal.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_hit_shows_the_text_as_it_reads_with_the_match_marked_inside_formatting()
    {
        await using var ivy = await chat.Server.ConnectAsync("ivy");
        await ivy.PostAsync("general", "Deploy of **v2.3** is _done_, see `notes`");
        await using var jon = await ChatPage.OpenAsync(browser.Browser, chat.Url, "jon");

        await SearchAsync(jon, "done notes");

        var hit = Hits(jon).Filter(new() { HasText = "Deploy" });
        await Expect(hit.Locator(".hit-text")).ToHaveTextAsync("Deploy of v2.3 is done, see notes", Patiently);
        await Expect(hit.Locator("mark")).ToHaveTextAsync(["done", "notes"]);
        jon.Problems.Should().BeEmpty();
    }
}
