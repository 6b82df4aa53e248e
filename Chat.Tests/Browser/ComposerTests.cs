using Chat.Testing;
using Chat.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>The message input: several lines, and a counter near the length limit.</summary>
[Collection(BrowserTests.Name)]
public class ComposerTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task Shift_Enter_starts_a_new_line_the_input_grows_and_Enter_sends_both_lines()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        var oneLine = (await alice.Input.BoundingBoxAsync())!.Height;

        await alice.Input.PressSequentiallyAsync("line one");
        await alice.Input.PressAsync("Shift+Enter");
        await alice.Input.PressSequentiallyAsync("line two");
        await alice.Input.PressAsync("Shift+Enter");
        await alice.Input.PressSequentiallyAsync("line three");

        await Expect(alice.Input).ToHaveValueAsync("line one\nline two\nline three");
        await Expect(alice.Messages).ToHaveCountAsync(0);
        (await alice.Input.BoundingBoxAsync())!.Height.Should().BeGreaterThan(oneLine * 2, "the input grows with its lines");
        await alice.ScreenshotAsync("three-lines-typed");

        await alice.Input.PressAsync("Enter");

        var text = alice.Page.Locator("#messages li.message .text");
        await Expect(text).ToHaveTextAsync("line one\nline two\nline three", new() { Timeout = ChatPage.Timeout });
        (await text.BoundingBoxAsync())!.Height.Should().BeGreaterThan(oneLine, "the message keeps its line breaks");
        await Expect(alice.Input).ToHaveValueAsync("");
        (await alice.Input.BoundingBoxAsync())!.Height.Should().BeApproximately(oneLine, 1, "the empty input is one line again");
    }

    [SkippableFact]
    public async Task A_counter_appears_past_90_percent_of_the_limit_and_a_text_over_it_is_refused_with_the_reason()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        var counter = alice.Page.Locator("#counter");

        await alice.Input.FillAsync(new string('a', 1700));
        await Expect(counter).ToBeHiddenAsync();

        await alice.Input.FillAsync(new string('a', 1850));
        await Expect(counter).ToBeVisibleAsync();
        await Expect(counter).ToHaveTextAsync("1850/2000");

        var tooLong = new string('a', 2001);
        await alice.Input.FillAsync(tooLong);
        await Expect(counter).ToHaveTextAsync("2001/2000");
        await Expect(counter).ToHaveClassAsync("counter over");
        await alice.Input.PressAsync("Enter");

        await Expect(alice.Error).ToHaveTextAsync("The message is 2001 characters long; at most 2000 are allowed. Shorten it or split it in parts.");
        await Expect(alice.Input).ToHaveValueAsync(tooLong);
        await alice.ScreenshotAsync("counter-over-the-limit");

        await alice.Input.PressAsync("Backspace");
        await Expect(alice.Error).ToBeHiddenAsync();
        await Expect(counter).ToHaveTextAsync("2000/2000");
        await alice.Input.PressAsync("Enter");
        await Expect(alice.Messages).ToHaveCountAsync(1, new() { Timeout = ChatPage.Timeout });
        await Expect(counter).ToBeHiddenAsync();
        alice.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task The_counter_counts_to_the_servers_own_limit()
    {
        await using var chat = await ChatProcess.StartAsync("--Chat:MaxMessageLength", "3000");
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        var counter = alice.Page.Locator("#counter");

        await alice.Input.FillAsync(new string('a', 2800));
        await Expect(counter).ToHaveTextAsync("2800/3000");
        await alice.Input.PressAsync("Enter");

        await Expect(alice.Messages).ToHaveCountAsync(1, new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Error).ToBeHiddenAsync();
        alice.Problems.Should().BeEmpty();
    }
}
