using Chat.Testing;
using System.Globalization;
using Chat.Server.Rooms;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>Reading back: at the top of a conversation the page fetches the messages before, one page at a time, down to the beginning.</summary>
[Collection(BrowserTests.Name)]
public class ScrollBackTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions PatientCount = new() { Timeout = ChatPage.Timeout };

    /// <summary>Scrolls to the top as a reader does (the box, then a burst of scroll events); what was first on screen and where, and the top line, just then.</summary>
    private const string ScrollToTopAndLook =
        @"box => {
            box.scrollTop = 0;
            const first = box.querySelector('li.message');
            const top = first.getBoundingClientRect().top - box.getBoundingClientRect().top;
            for (let i = 0; i < 3; i++) box.dispatchEvent(new Event('scroll'));
            return [first.dataset.id, String(top), box.querySelector('li.edge').textContent];
        }";

    private const string OffsetOf =
        "(box, id) => box.querySelector(`li.message[data-id='${id}']`).getBoundingClientRect().top - box.getBoundingClientRect().top";

    [SkippableFact]
    public async Task Scrolling_to_the_top_shows_the_100_messages_before_above_without_moving_the_view_until_the_beginning()
    {
        // Arrange: 250 messages over three days (1-80, 81-150, 151-250); the page opens with the latest 100.
        static DateTime Day(int daysAgo, int i) => DateTime.Today.AddDays(-daysAgo).AddHours(12).AddSeconds(i).ToUniversalTime();
        var database = await SeededHistory.CreateAsync([.. Enumerable.Range(1, 250).Select(i =>
            ("carol", $"message {i}", i <= 80 ? Day(3, i) : i <= 150 ? Day(2, i) : Day(0, i)))]);
        await using var chat = await ChatProcess.StartOnAsync(database);
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await Expect(alice.Messages).ToHaveCountAsync(100, PatientCount);
        (await alice.MessageTextsAsync())[0].Should().Be("message 151");

        // Act: to the top.
        var before = await alice.Scroller.EvaluateAsync<string[]>(ScrollToTopAndLook);

        // Assert: it says it is fetching, the 100 before appear above, and what the reader saw stays where it was.
        before[2].Should().Be("loading earlier messages…");
        await Expect(alice.Messages).ToHaveCountAsync(200, PatientCount);
        (await alice.MessageTextsAsync())[0].Should().Be("message 51");
        var firstSeen = alice.Page.Locator($"#messages li.message[data-id='{before[0]}']");
        await Expect(firstSeen.Locator(".text")).ToHaveTextAsync("message 151");
        await Expect(firstSeen).ToBeInViewportAsync();
        var after = await alice.Scroller.EvaluateAsync<double>(OffsetOf, before[0]);
        after.Should().BeApproximately(double.Parse(before[1], CultureInfo.InvariantCulture), 1, "the view does not jump");
        await Expect(alice.TopLine).ToHaveTextAsync("");
        await alice.ScreenshotAsync("scroll-back-first-page");

        // Act: to the top again.
        var again = await alice.Scroller.EvaluateAsync<string[]>(ScrollToTopAndLook);

        // Assert: the first 50, and nothing older to fetch.
        again[0].Should().NotBe(before[0]);
        await Expect(alice.Messages).ToHaveCountAsync(250, PatientCount);
        await Expect(alice.TopLine).ToHaveTextAsync("This is the beginning of #general.", Patiently);
        var atBeginning = await alice.Scroller.EvaluateAsync<string[]>(ScrollToTopAndLook);
        atBeginning[2].Should().Be("This is the beginning of #general.", "there is nothing more to fetch");
        await alice.ScreenshotAsync("scroll-back-beginning");

        // Every message once, in id order, with one separator before each day.
        (await alice.MessageTextsAsync()).Should().Equal(Enumerable.Range(1, 250).Select(i => $"message {i}"));
        var ids = await alice.Messages.EvaluateAllAsync<long[]>("items => items.map(i => Number(i.dataset.id))");
        ids.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        var order = await alice.Page.Locator("#messages li.day, #messages li.message").EvaluateAllAsync<string[]>(
            "items => items.map(i => i.classList.contains('day') ? '|' : i.querySelector('.text').textContent)");
        order.Select((text, at) => (text, at)).Where(item => item.text == "|").Select(item => order[item.at + 1])
            .Should().Equal(["message 1", "message 81", "message 151"], "a day starts at each of these, and only there");
        await Expect(alice.Page.Locator("#messages li.day").Last).ToHaveTextAsync("Today");
        alice.HubCalls(nameof(IChatHub.GetRoomHistoryBefore)).Should().Be(2, "one fetch per page, however many scroll events");
        alice.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Rooms_and_direct_conversations_scroll_back_to_their_beginning_too()
    {
        var now = DateTime.UtcNow;
        var dev = Enumerable.Range(1, 130).Select(i => ("dev", "carol", $"dev {i}", now));
        var direct = Enumerable.Range(1, 110).Select(i => (Conversation.Direct("alice", "bob"), i % 2 == 0 ? "alice" : "bob", $"direct {i}", now));
        var database = await SeededHistory.CreateInAsync([.. dev, .. direct], ("alice", "dev"), ("carol", "dev"));
        await using var chat = await ChatProcess.StartOnAsync(database);
        await using (var reader = await chat.ConnectAsync("alice"))
        {
            // All read: the page opens them at their end (with unread ones, it would open at the first, further back).
            foreach (var room in new[] { "dev", "@bob" })
            {
                await reader.MarkReadAsync(room, (await reader.RoomHistoryAsync(room)).Max(m => m.Id));
            }
        }

        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");

        // general holds nothing older than what it shows: it says so at once, and nothing is fetched.
        await Expect(alice.TopLine).ToHaveTextAsync("This is the beginning of #general.", Patiently);
        foreach (var (room, prefix, count, beginning) in new[]
        {
            ("dev", "dev", 130, "This is the beginning of #dev."),
            ("@bob", "direct", 110, "This is the beginning of your conversation with @bob."),
        })
        {
            await alice.OpenConversationAsync(room);
            await Expect(alice.Messages).ToHaveCountAsync(100, PatientCount);
            await Expect(alice.TopLine).ToHaveTextAsync("");

            await alice.ScrollToTopAsync();

            await Expect(alice.Messages).ToHaveCountAsync(count, PatientCount);
            await Expect(alice.TopLine).ToHaveTextAsync(beginning, Patiently);
            (await alice.MessageTextsAsync()).Should().Equal(Enumerable.Range(1, count).Select(i => $"{prefix} {i}"));
        }

        await Expect(alice.Page.Locator("#messages li.message.own")).ToHaveCountAsync(55); // alice's own, from the older page too
        await alice.ScrollToTopAsync();
        await alice.ScreenshotAsync("scroll-back-direct");
        alice.HubCalls(nameof(IChatHub.GetRoomHistoryBefore)).Should().Be(2);
        alice.Problems.Should().BeEmpty();
    }
}
