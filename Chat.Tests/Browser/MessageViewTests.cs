using Chat.Testing;
using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>How messages read on the page: links, days, and where new ones start when the reader is elsewhere.</summary>
[Collection(BrowserTests.Name)]
public partial class MessageViewTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };

    [SkippableFact]
    public async Task Http_and_https_urls_are_links_that_open_a_new_tab_without_access_to_the_page_and_other_schemes_stay_text()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        const string text = "docs at https://example.com/a?b=1&c=2, (see http://example.org/x) and javascript:alert(1) or javascript:http://evil.test";

        await alice.SendAsync(text);

        var message = alice.Page.Locator("#messages li.message .text");
        await Expect(message).ToHaveTextAsync(text, Patiently);
        var links = message.Locator("a");
        await Expect(links).ToHaveTextAsync(["https://example.com/a?b=1&c=2", "http://example.org/x"]);
        await Expect(links.First).ToHaveAttributeAsync("href", "https://example.com/a?b=1&c=2");
        await Expect(links.Nth(1)).ToHaveAttributeAsync("href", "http://example.org/x");
        foreach (var link in await links.AllAsync())
        {
            await Expect(link).ToHaveAttributeAsync("target", "_blank");
            await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        }

        (await alice.Page.Locator("#messages a[href^='javascript']").CountAsync()).Should().Be(0, "only http and https become links");
        alice.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Messages_of_different_days_are_separated_by_today_yesterday_or_the_date()
    {
        // Noon of each day (the machine's time zone, as the page's), so that no message lands on another day near midnight.
        var now = DateTime.Today.AddHours(12).ToUniversalTime();
        var database = await SeededHistory.CreateAsync(
            ("carol", "three days ago", now.AddDays(-3)),
            ("carol", "also three days ago", now.AddDays(-3).AddMinutes(1)),
            ("carol", "yesterday", now.AddDays(-1)),
            ("carol", "today", now));
        await using var chat = await ChatProcess.StartOnAsync(database);

        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");

        var separators = alice.Page.Locator("#messages li.day");
        var longAgo = now.AddDays(-3).ToLocalTime();
        await Expect(separators).ToHaveCountAsync(3, new() { Timeout = ChatPage.Timeout });
        await Expect(separators.First).ToHaveAttributeAsync("data-day", longAgo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await Expect(separators.First).ToContainTextAsync(longAgo.Day.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(separators.Nth(1)).ToHaveTextAsync("Yesterday");
        await Expect(separators.Nth(2)).ToHaveTextAsync("Today");
        var order = await alice.Page.Locator("#messages li.day, #messages li.message").EvaluateAllAsync<string[]>(
            "items => items.map(i => i.classList.contains('day') ? '|' : i.querySelector('.text').textContent)");
        order.Should().Equal("|", "three days ago", "also three days ago", "|", "yesterday", "|", "today");

        await alice.SendAsync("later today");
        await Expect(alice.Messages).ToHaveCountAsync(5, new() { Timeout = ChatPage.Timeout });
        await Expect(separators).ToHaveCountAsync(3);
        await alice.ScreenshotAsync("day-separators");
    }

    [SkippableFact]
    public async Task Messages_arriving_while_scrolled_up_get_a_new_messages_line_a_jump_button_and_a_count_in_the_title()
    {
        await using var chat = await ChatProcess.StartOnAsync(await SeededHistory.ManyAsync(60));
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await using var bob = await chat.ConnectAsync("bob");
        await Expect(alice.Messages).ToHaveCountAsync(60, new() { Timeout = ChatPage.Timeout });
        (await alice.AtBottomAsync()).Should().BeTrue("the page opens at the newest message");
        await Expect(alice.Page).ToHaveTitleAsync("Chat");

        // Act: reading back, while bob writes twice.
        await alice.ScrollToTopAsync();
        await Expect(alice.JumpToBottom).ToBeVisibleAsync();
        await bob.SendAsync("first unseen", "bob");
        await bob.SendAsync("second unseen", "bob");

        // Assert: where the new ones start, how many, and the view did not move.
        await Expect(alice.Messages).ToHaveCountAsync(62, new() { Timeout = ChatPage.Timeout });
        await Expect(alice.NewMessagesMarker).ToHaveCountAsync(1);
        var afterMarker = await alice.NewMessagesMarker.EvaluateAsync<string>("m => m.nextElementSibling.querySelector('.text').textContent");
        afterMarker.Should().Be("first unseen");
        await Expect(alice.JumpToBottom).ToHaveTextAsync("2 new messages ↓", Patiently);
        await Expect(alice.Page).ToHaveTitleAsync("(2) Chat");
        (await alice.Scroller.EvaluateAsync<double>("box => box.scrollTop")).Should().Be(0, "the view stays where the reader is");
        await alice.ScreenshotAsync("new-messages-scrolled-up");

        await alice.JumpToBottom.ClickAsync();

        await Expect(alice.JumpToBottom).ToBeHiddenAsync();
        await Expect(alice.Page).ToHaveTitleAsync("Chat");
        (await alice.AtBottomAsync()).Should().BeTrue();
        await Expect(alice.Page.Locator("#messages li.message").Last).ToBeInViewportAsync();

        // At the bottom, new messages scroll into view and are not counted.
        await bob.SendAsync("seen at once", "bob");
        await Expect(alice.Page.Locator("#messages li.message .text").Last).ToHaveTextAsync("seen at once", Patiently);
        await Expect(alice.Page.Locator("#messages li.message").Last).ToBeInViewportAsync();
        await Expect(alice.Page).ToHaveTitleAsync("Chat");
        await Expect(alice.JumpToBottom).ToBeHiddenAsync();
        alice.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Messages_arriving_while_the_tab_is_hidden_are_counted_in_the_title_until_it_is_shown_again()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await using var bob = await chat.ConnectAsync("bob");

        await SetHiddenAsync(alice, true);
        await bob.SendAsync("while you were away", "bob");
        await bob.SendAsync("and again", "bob");

        await Expect(alice.Page).ToHaveTitleAsync("(2) Chat", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.NewMessagesMarker).ToHaveCountAsync(1);
        await alice.SendAsync("my own message is no news to me");
        await Expect(alice.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("my own message is no news to me", Patiently);
        await Expect(alice.Page).ToHaveTitleAsync("(2) Chat");

        await SetHiddenAsync(alice, false);

        await Expect(alice.Page).ToHaveTitleAsync("Chat");
    }

    [SkippableFact]
    public async Task Messages_that_arrive_while_the_unread_counts_are_on_their_way_count_on_top_of_them()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        var counts = new HeldRoomCounts();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice", prepare: counts.InstallAsync);

        // The server has counted alice's unread messages (none yet); its answer waits while two come live.
        await counts.Held.WaitAsync(TimeSpan.FromSeconds(20));
        await SetHiddenAsync(alice, true);
        await bob.SendAsync("while the counts were on their way", "bob");
        await bob.SendAsync("and another", "bob");
        await Expect(alice.Messages).ToHaveCountAsync(2, new() { Timeout = ChatPage.Timeout });

        counts.Release();

        // The page asks who is online once it has taken the counts in and loaded the conversation.
        await counts.StartedUp.WaitAsync(TimeSpan.FromSeconds(20));
        await Expect(alice.Page).ToHaveTitleAsync("(2) Chat");
        await Expect(alice.NewMessagesMarker).ToHaveCountAsync(1);
        alice.Problems.Should().BeEmpty();
    }

    /// <summary>Switching tabs, as the page sees it: the document's visibility changes and it is told so.</summary>
    private static async Task SetHiddenAsync(ChatPage chat, bool hidden) => await chat.Page.EvaluateAsync(
        @"hidden => {
            Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => hidden ? 'hidden' : 'visible' });
            Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden });
            document.dispatchEvent(new Event('visibilitychange'));
        }",
        hidden);

    /// <summary>
    /// Between the page and the server: holds the server's answer to the page's first <c>GetRooms</c> (the unread
    /// counts) until <see cref="Release"/>, passing everything else on, and notes when the page asks who is online,
    /// which it does once its start-up is done.
    /// </summary>
    private sealed partial class HeldRoomCounts
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _startedUp = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes once the answer is held.</summary>
        public Task Held => _held.Task;

        /// <summary>Completes once the page asked who is online.</summary>
        public Task StartedUp => _startedUp.Task;

        public void Release() => _release.TrySetResult();

        public Task InstallAsync(IBrowserContext context) => context.RouteWebSocketAsync(new Regex("/hubs/chat"), page =>
        {
            var server = page.ConnectToServer();
            string? roomsCall = null;
            page.OnMessage(frame =>
            {
                if (frame.Text is not { } text)
                {
                    return;
                }

                if (roomsCall is null && text.Contains("\"GetRooms\"", StringComparison.Ordinal))
                {
                    roomsCall = InvocationId().Match(text).Groups[1].Value;
                }

                if (text.Contains("\"GetOnlineUsers\"", StringComparison.Ordinal))
                {
                    _startedUp.TrySetResult();
                }

                server.Send(text);
            });
            server.OnMessage(frame =>
            {
                if (frame.Text is not { } text)
                {
                    return;
                }

                if (roomsCall is not null && !_held.Task.IsCompleted && text.Contains("\"type\":3", StringComparison.Ordinal) && InvocationId().Match(text).Groups[1].Value == roomsCall)
                {
                    _held.TrySetResult();
                    _ = _release.Task.ContinueWith(_ => page.Send(text), TaskScheduler.Default);
                    return;
                }

                page.Send(text);
            });
        });

        [GeneratedRegex("\"invocationId\":\"([^\"]+)\"")]
        private static partial Regex InvocationId();
    }
}
