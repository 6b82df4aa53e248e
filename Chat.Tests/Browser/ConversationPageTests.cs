using Chat.Testing;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>Rooms and direct conversations on the page: the list, its unread badges, joining, leaving, typing.</summary>
[Collection(BrowserTests.Name)]
public class ConversationPageTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions PatientCount = new() { Timeout = ChatPage.Timeout };

    [SkippableFact]
    public async Task Unread_badges_count_messages_in_other_conversations_and_clear_on_every_tab_once_one_tab_shows_them()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var tab1 = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await using var tab2 = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");

        await tab1.JoinAsync("dev");
        await Expect(tab1.Title).ToHaveTextAsync("#dev", Patiently);
        await Expect(tab2.Conversations).ToHaveTextAsync(["#general", "#dev"], Patiently); // joined in the other tab
        await tab1.OpenConversationAsync("general");

        // Act: bob writes in #dev while both tabs show #general.
        await bob.SendToAsync("dev", "one");
        await bob.SendToAsync("dev", "two");

        foreach (var tab in new[] { tab1, tab2 })
        {
            await Expect(tab.Badge("dev")).ToHaveTextAsync("2", Patiently);
            await Expect(tab.Page).ToHaveTitleAsync("(2) Chat");
            await Expect(tab.Badge("general")).ToHaveCountAsync(0);
        }

        await tab2.ScreenshotAsync("unread-badge");
        await tab1.OpenConversationAsync("dev");

        // Assert: the messages are on the tab that opened it, and the badge is gone on both.
        await Expect(tab1.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["one", "two"], Patiently);
        (await tab1.NewMessagesMarker.EvaluateAsync<string>("m => m.nextElementSibling.querySelector('.text').textContent"))
            .Should().Be("one", "the unread ones start after the new-messages line");
        foreach (var tab in new[] { tab1, tab2 })
        {
            await Expect(tab.Badge("dev")).ToHaveCountAsync(0, PatientCount);
            await Expect(tab.Page).ToHaveTitleAsync("Chat");
        }


        // Leaving in one tab takes the room off the other's list too.
        await tab1.Page.Locator("#leave").ClickAsync();
        await Expect(tab2.Conversations).ToHaveTextAsync(["#general"], Patiently);
        tab1.Problems.Concat(tab2.Problems).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_room_joined_by_name_has_its_own_messages_and_can_be_left_but_general_cannot()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await using var bob = await ChatPage.OpenAsync(browser.Browser, chat.Url, "bob");
        await alice.SendAsync("in general");
        await Expect(alice.Page.Locator("#leave")).ToBeHiddenAsync();

        await alice.JoinAsync("bad name!");
        await Expect(alice.Page.Locator("#join-error")).ToContainTextAsync("is not a room name", new() { Timeout = ChatPage.Timeout });

        await alice.JoinAsync("Dev");
        await Expect(alice.Title).ToHaveTextAsync("#dev", Patiently); // alice is in before bob joins, so she sees him join
        await bob.JoinAsync("#dev");
        await Expect(alice.Page.Locator("#join-error")).ToBeHiddenAsync();
        await Expect(alice.Conversations).ToHaveTextAsync(["#general", "#dev"]);
        await Expect(alice.Page.Locator("#messages li.system").Last).ToHaveTextAsync("bob joined #dev", Patiently);
        await alice.SendAsync("in dev");
        await Expect(bob.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["in dev"], Patiently);

        await alice.OpenConversationAsync("general");
        await Expect(alice.Title).ToHaveTextAsync("#general");
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["in general"], Patiently);
        await alice.OpenConversationAsync("dev");
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["in dev"], Patiently);
        await alice.ScreenshotAsync("room-dev");

        await alice.Page.Locator("#leave").ClickAsync();

        await Expect(alice.Conversations).ToHaveTextAsync(["#general"], Patiently);
        await Expect(alice.Title).ToHaveTextAsync("#general");
        await Expect(bob.Page.Locator("#messages li.system").Last).ToHaveTextAsync("alice left #dev", Patiently);
        alice.Problems.Concat(bob.Problems).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_name_in_the_online_list_opens_a_direct_conversation_that_only_those_two_see()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var carol = await chat.ConnectAsync("carol");
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await using var bob = await ChatPage.OpenAsync(browser.Browser, chat.Url, "bob");
        await Expect(alice.Online).ToHaveTextAsync(["alice", "bob", "carol"], new() { Timeout = ChatPage.Timeout });

        await alice.Online.Filter(new() { HasText = "bob" }).Locator("button").ClickAsync();
        await Expect(alice.Title).ToHaveTextAsync("@bob", Patiently);
        await alice.SendAsync("just for you");

        await Expect(bob.Badge("@alice")).ToHaveTextAsync("1", Patiently);
        await bob.OpenConversationAsync("@alice");
        await Expect(bob.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["just for you"], Patiently);
        await bob.SendAsync("thanks");
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["just for you", "thanks"], Patiently);
        await alice.OpenConversationAsync("general");
        await Expect(alice.Page.Locator("#messages li.message")).ToHaveCountAsync(0);

        // carol, who was online all along, got none of it: the next message she receives is a public one.
        await alice.SendAsync("for everyone");
        (await carol.NextMessageAsync()).Text.Should().Be("for everyone");
        (await carol.RoomsAsync()).Select(summary => summary.Room).Should().Equal("general");
        await Expect(alice.Conversations).ToHaveTextAsync(["#general", "@bob"]);
        await bob.ScreenshotAsync("direct-conversation");
    }

    [SkippableFact]
    public async Task While_bob_types_the_others_see_bob_is_typing_in_that_conversation_for_a_few_seconds()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await using var bob = await ChatPage.OpenAsync(browser.Browser, chat.Url, "bob");
        var typing = alice.Page.Locator("#typing");

        await bob.Input.PressSequentiallyAsync("hel");

        await Expect(typing).ToHaveTextAsync("bob is typing…", Patiently);
        await Expect(bob.Page.Locator("#typing")).ToHaveTextAsync("");
        await alice.ScreenshotAsync("bob-is-typing");
        await Expect(typing).ToHaveTextAsync("", new() { Timeout = 8_000 }); // gone a few seconds after the last sign

        // In another conversation, it is not shown here.
        await alice.JoinAsync("elsewhere");
        await Expect(alice.Title).ToHaveTextAsync("#elsewhere", Patiently);
        await bob.Input.PressSequentiallyAsync("lo");
        await alice.OpenConversationAsync("general");
        await Expect(typing).ToHaveTextAsync("bob is typing…", Patiently);
        await alice.OpenConversationAsync("elsewhere");
        await Expect(typing).ToHaveTextAsync("");
    }

    [SkippableFact]
    public async Task At_phone_width_the_list_is_a_drawer_and_messages_and_input_fit_the_screen()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var bob = await chat.ConnectAsync("bob");
        await bob.JoinAsync("dev");
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice", width: 375);
        var drawer = alice.Page.Locator("#rooms-panel");
        await Expect(drawer).ToBeHiddenAsync();

        await alice.Page.Locator("#menu").ClickAsync();
        await Expect(drawer).ToBeVisibleAsync();
        await alice.ScreenshotAsync("phone-drawer");
        await alice.JoinAsync("dev");

        await Expect(alice.Title).ToHaveTextAsync("#dev", Patiently);
        await Expect(drawer).ToBeHiddenAsync();
        await bob.SendToAsync("dev", "a long line for a small screen: " + new string('w', 80) + " https://example.com/" + new string('p', 60));
        await alice.SendAsync("from the phone");
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveCountAsync(2, PatientCount);
        await Expect(alice.Page.Locator("#messages li.message").Last).ToBeInViewportAsync();
        await Expect(alice.Input).ToBeInViewportAsync();
        await Expect(alice.Page.Locator("#composer button[type='submit']")).ToBeInViewportAsync();
        await Expect(alice.Page.Locator("#leave")).ToBeInViewportAsync();
        var overflow = await alice.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        overflow.Should().BeLessThanOrEqualTo(0, "nothing is wider than the screen");
        await alice.ScreenshotAsync("phone-room");

        await bob.SendAsync("meanwhile in general", "bob");
        await Expect(alice.Page.Locator("#menu-badge")).ToHaveTextAsync("1", Patiently);
        alice.Problems.Should().BeEmpty();
    }
}
