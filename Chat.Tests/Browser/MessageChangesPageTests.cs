using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Messages people answer, correct and react to, on the page (SPEC section 12): changes merged by version, caught up by
/// position, the toolbar on hover (a tap on a phone), editing, deleting, replies and reactions. The tests share one server
/// and each uses its own users and room.
/// </summary>
[Collection(BrowserTests.Name)]
public class MessageChangesPageTests(BrowserFixture browser, SharedChat chat) : IClassFixture<SharedChat>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToContainTextOptions PatientlyContains = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions PatientCount = new() { Timeout = ChatPage.Timeout };

    [SkippableFact]
    public async Task A_change_replaces_the_message_only_when_its_version_is_higher_so_a_late_older_one_changes_nothing()
    {
        var tap = new HubTap();
        await using var ben = await chat.Server.ConnectAsync("ben");
        await ben.JoinAsync("versions");
        await using var ann = await ChatPage.OpenAsync(browser.Browser, chat.Url, "ann", prepare: tap.InstallAsync);
        await ann.JoinAsync("versions");
        await Expect(ann.Title).ToHaveTextAsync("#versions", Patiently);
        var message = (await ben.PostAsync("versions", "first draft"))!;
        await Expect(ann.Message("first draft")).ToHaveCountAsync(1, PatientCount);

        // Act: two edits come live; then the first of them again, late, as a network could deliver it.
        var firstEdit = await ben.EditAsync("versions", message.Id, "second draft");
        await Expect(ann.Messages.Locator(".text")).ToHaveTextAsync(["second draft"], Patiently);
        await ben.EditAsync("versions", message.Id, "final text");
        await Expect(ann.Messages.Locator(".text")).ToHaveTextAsync(["final text"], Patiently);
        var late = tap.CallsOnPage("MessageUpdated").Single(call => call[0].GetProperty("version").GetInt64() == firstEdit.Version);
        tap.CallOnPage("MessageUpdated", late[0]);
        await ben.PostAsync("versions", "after the late one"); // delivered after it: once shown, the late one was handled

        // Assert
        await Expect(ann.Messages.Locator(".text")).ToHaveTextAsync(["final text", "after the late one"], Patiently);
        await Expect(ann.Message("final text").Locator(".edited")).ToHaveTextAsync("(edited)");
        ann.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task After_a_reconnect_the_page_catches_up_from_the_highest_position_it_received_edits_deletes_and_reactions_included()
    {
        var tap = new HubTap();
        await using var vic = await chat.Server.ConnectAsync("vic");
        await vic.JoinAsync("catchup");
        await using var una = await ChatPage.OpenAsync(browser.Browser, chat.Url, "una", prepare: tap.InstallAsync);
        await una.JoinAsync("catchup");
        await Expect(una.Title).ToHaveTextAsync("#catchup", Patiently);
        var one = (await vic.PostAsync("catchup", "one"))!;
        var two = (await vic.PostAsync("catchup", "two"))!;
        await vic.PostAsync("catchup", "three");
        await vic.ReactAsync("catchup", two.Id, "👍");
        await Expect(una.Message("two").Locator(".reaction")).ToHaveTextAsync("👍1", Patiently);
        var highest = (await vic.RoomHistoryAsync("catchup")).Max(message => message.Position());
        highest.Should().BeGreaterThan((await vic.RoomHistoryAsync("catchup")).Max(message => message.Id), "the reaction came after the last message");

        // Act: the page loses its connection and cannot get back while vic edits, deletes, and posts a message he then edits.
        await una.SetOfflineAsync(true);
        await tap.CutAsync();
        await Expect(una.State).ToHaveTextAsync("reconnecting", Patiently);
        await vic.EditAsync("catchup", one.Id, "one, edited");
        await vic.DeleteAsync("catchup", two.Id);
        var four = (await vic.PostAsync("catchup", "four"))!;
        await vic.EditAsync("catchup", four.Id, "four, edited before una saw it");
        await una.SetOfflineAsync(false);

        // Assert: every change is there once, and the catch-up asked from the reaction's position, not the last message's id.
        await Expect(una.State).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
        await Expect(una.Messages.Locator(".text")).ToHaveTextAsync(["one, edited", "message deleted", "three", "four, edited before una saw it"], Patiently);
        await Expect(una.Messages.Locator(".edited")).ToHaveCountAsync(2);
        await Expect(una.Messages.Locator(".reaction")).ToHaveCountAsync(0);
        tap.Calls("GetMissedMessages").Should().ContainSingle().Which[0].GetInt64().Should().Be(highest);
        var ids = await una.Messages.EvaluateAllAsync<long[]>("items => items.map(i => Number(i.dataset.id))");
        ids.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        una.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Hovering_a_message_offers_reply_and_react_and_on_ones_own_edit_and_delete_which_asks_first_in_the_page()
    {
        await using var xan = await chat.Server.ConnectAsync("xan");
        await xan.JoinAsync("tools");
        await using var wes = await ChatPage.OpenAsync(browser.Browser, chat.Url, "wes");
        await wes.JoinAsync("tools");
        await Expect(wes.Title).ToHaveTextAsync("#tools", Patiently);
        await xan.PostAsync("tools", "from xan");
        await wes.SendAsync("from wes");
        await Expect(wes.Messages).ToHaveCountAsync(2, PatientCount);
        await Expect(wes.Page.Locator("#messages .actions")).ToHaveCountAsync(0);

        // Someone else's message: reply and react.
        await wes.Message("from xan").HoverAsync();
        await Expect(Action(wes, "from xan", "Reply")).ToBeVisibleAsync();
        await Expect(Action(wes, "from xan", "React")).ToBeVisibleAsync();
        await Expect(Action(wes, "from xan", "Edit")).ToBeHiddenAsync();
        await Expect(Action(wes, "from xan", "Delete")).ToBeHiddenAsync();

        // One's own: edit and delete too.
        await wes.Message("from wes").HoverAsync();
        await Expect(wes.Page.Locator("#messages .actions")).ToHaveCountAsync(1);
        await Expect(Action(wes, "from wes", "Edit")).ToBeVisibleAsync();
        await wes.ScreenshotAsync("message-toolbar");

        // Delete asks first, in the page: Cancel keeps the message, Delete deletes it for everyone.
        var id = long.Parse((await wes.Message("from wes").GetAttributeAsync("data-id"))!, System.Globalization.CultureInfo.InvariantCulture);
        await Action(wes, "from wes", "Delete").ClickAsync();
        var question = wes.Page.Locator("#delete-dialog");
        await Expect(question).ToBeVisibleAsync();
        await wes.ScreenshotAsync("delete-question");
        await question.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(question).ToBeHiddenAsync();
        await Expect(wes.Message("from wes")).ToHaveCountAsync(1);
        (await xan.RoomHistoryAsync("tools")).Should().NotContain(message => message.Deleted);

        await wes.Message("from wes").HoverAsync();
        await Action(wes, "from wes", "Delete").ClickAsync();
        await question.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();

        await Expect(wes.Page.Locator($"#messages li.message[data-id='{id}'] .text")).ToHaveTextAsync("message deleted", Patiently);
        (await xan.RoomHistoryAsync("tools")).Single(message => message.Id == id).Deleted.Should().BeTrue("the page shows what the server did");

        // Edit from the toolbar: Enter saves.
        await wes.SendAsync("a typo mesage");
        await wes.Message("a typo mesage").HoverAsync();
        await Action(wes, "a typo mesage", "Edit").ClickAsync();
        var editor = wes.Page.Locator("#messages .editor textarea");
        await Expect(editor).ToHaveValueAsync("a typo mesage");
        await wes.ScreenshotAsync("editing-in-place");
        await editor.FillAsync("a typo message");
        await editor.PressAsync("Enter");
        await Expect(wes.Message("a typo message").Locator(".edited")).ToHaveTextAsync("(edited)", Patiently);
        await Expect(editor).ToHaveCountAsync(0);

        // Up arrow in the empty input edits one's last message: Escape leaves it, Enter saves.
        await wes.Input.PressAsync("ArrowUp");
        await Expect(editor).ToHaveValueAsync("a typo message");
        await editor.PressSequentiallyAsync(" that I regret");
        await editor.PressAsync("Escape");
        await Expect(editor).ToHaveCountAsync(0);
        await Expect(wes.Input).ToBeFocusedAsync();
        await Expect(wes.Messages.Locator(".text").Last).ToHaveTextAsync("a typo message");
        await wes.Input.PressAsync("ArrowUp");
        await editor.FillAsync("the right words at last");
        await editor.PressAsync("Enter");
        await Expect(wes.Messages.Locator(".text")).ToHaveTextAsync(["from xan", "message deleted", "the right words at last"], Patiently);
        (await xan.RoomHistoryAsync("tools")).Last().Text.Should().Be("the right words at last");
        wes.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task An_edited_message_says_edited_with_the_time_in_its_tooltip_and_a_deleted_one_says_message_deleted_muted()
    {
        await using var zed = await chat.Server.ConnectAsync("zed");
        await zed.JoinAsync("revisions");
        await using var yara = await ChatPage.OpenAsync(browser.Browser, chat.Url, "yara");
        await yara.JoinAsync("revisions");
        await Expect(yara.Title).ToHaveTextAsync("#revisions", Patiently);
        var draft = (await zed.PostAsync("revisions", "draft"))!;
        var regret = (await zed.PostAsync("revisions", "something I regret"))!;
        await Expect(yara.Messages).ToHaveCountAsync(2, PatientCount);

        var edited = await zed.EditAsync("revisions", draft.Id, "the final word");
        await zed.DeleteAsync("revisions", regret.Id);

        var label = yara.Message("the final word").Locator(".edited");
        await Expect(label).ToHaveTextAsync("(edited)", Patiently);
        var local = edited.EditedAt!.Value.ToLocalTime();
        await Expect(label).ToHaveAttributeAsync("title", new Regex($"^Edited .*{local.Year}.*{local.Minute:00}"));
        var gone = yara.Page.Locator($"#messages li.message[data-id='{regret.Id}']");
        await Expect(gone.Locator(".text")).ToHaveTextAsync("message deleted", Patiently);
        await Expect(gone).ToContainTextAsync("zed"); // who and when stay
        (await gone.Locator(".gone").EvaluateAsync<string>("e => getComputedStyle(e).color")).Should().Be("rgb(107, 115, 133)", "it is muted");
        await gone.HoverAsync();
        await Expect(yara.Page.Locator("#messages .actions")).ToHaveCountAsync(0, new() { Timeout = 2_000 });
        await yara.ScreenshotAsync("edited-and-deleted");
        yara.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_reply_quotes_what_it_answers_and_its_quote_goes_there_loading_earlier_messages_and_the_page_can_reply_too()
    {
        await using var carol = await chat.Server.ConnectAsync("carol");
        var archive = await carol.RoomHistoryAsync(SharedChat.Archive, limit: 500);
        var answered = archive.Single(message => message.Text == SharedChat.ArchiveText(5));
        var reply = (await carol.PostAsync(SharedChat.Archive, "about the fifth one: still true?", replyTo: answered.Id))!;
        await using (var reader = await chat.Server.ConnectAsync("gus"))
        {
            await reader.MarkReadAsync(SharedChat.Archive, reply.Id); // read: the room opens at its end, not at its first unread
        }

        await using var gus = await ChatPage.OpenAsync(browser.Browser, chat.Url, "gus");

        await gus.OpenConversationAsync(SharedChat.Archive);

        // The quote names what it answers, which is far above the messages loaded.
        var quote = gus.Message("still true?").Locator(".quote");
        await Expect(quote).ToHaveTextAsync("↪carol: archive 005", Patiently);
        var target = gus.Page.Locator($"#messages li.message[data-id='{answered.Id}']");
        await Expect(target).ToHaveCountAsync(0);
        await gus.ScreenshotAsync("reply-quote");

        await quote.ClickAsync();

        await Expect(target).ToBeInViewportAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(target).ToHaveClassAsync(new Regex(@"\bhighlight\b"));
        await gus.ScreenshotAsync("reply-quote-followed");
        (await gus.Messages.CountAsync()).Should().BeGreaterThan(101, "earlier messages were loaded to reach it");

        // Replying on the page: the input says to what, a cancel takes it back, and the send carries replyTo.
        await gus.Message("still true?").HoverAsync();
        await Action(gus, "still true?", "Reply").ClickAsync();
        var replying = gus.Page.Locator("#replying");
        await Expect(replying).ToHaveTextAsync(new Regex("^Replying to carol: about the fifth one: still true\\?"));
        await Expect(gus.Input).ToBeFocusedAsync();
        await replying.GetByRole(AriaRole.Button, new() { Name = "Cancel the reply" }).ClickAsync();
        await Expect(replying).ToBeHiddenAsync();
        await gus.Message("still true?").HoverAsync();
        await Action(gus, "still true?", "Reply").ClickAsync();
        await gus.ScreenshotAsync("replying");
        await gus.SendAsync("yes, still true");

        await Expect(gus.Message("yes, still true").Locator(".quote")).ToHaveTextAsync("↪carol: about the fifth one: still true?", Patiently);
        await Expect(replying).ToBeHiddenAsync();
        (await carol.RoomHistoryAsync(SharedChat.Archive)).Last().ReplyTo.Should().Be(reply.Id);
        gus.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Reactions_are_chips_with_counts_ones_own_pressed_who_in_the_tooltip_and_a_click_toggles_ones_own()
    {
        await using var ivy = await chat.Server.ConnectAsync("ivy");
        await ivy.JoinAsync("reactions");
        await using var hal = await ChatPage.OpenAsync(browser.Browser, chat.Url, "hal");
        await hal.JoinAsync("reactions");
        await Expect(hal.Title).ToHaveTextAsync("#reactions", Patiently);
        var message = (await ivy.PostAsync("reactions", "react to me"))!;
        var chips = hal.Message("react to me").Locator(".reaction");

        // From the palette.
        await hal.Message("react to me").HoverAsync();
        await Action(hal, "react to me", "React").ClickAsync();
        var palette = hal.Page.Locator("#messages .palette");
        await Expect(palette.Locator("button")).ToHaveCountAsync(12);
        await hal.ScreenshotAsync("emoji-palette");
        await palette.GetByRole(AriaRole.Menuitem, new() { Name = "👍" }).ClickAsync();
        await Expect(chips).ToHaveTextAsync(["👍1"], Patiently);
        await Expect(palette).ToHaveCountAsync(0);
        await Expect(chips.First).ToHaveAttributeAsync("aria-pressed", "true");

        // Someone else's reactions.
        await ivy.ReactAsync("reactions", message.Id, "👍");
        await ivy.ReactAsync("reactions", message.Id, "🎉");
        await Expect(chips).ToHaveTextAsync(["👍2", "🎉1"], Patiently);
        await Expect(chips.First).ToHaveAttributeAsync("title", "hal, ivy reacted with 👍");
        await Expect(chips.Nth(1)).ToHaveAttributeAsync("aria-pressed", "false");
        await hal.ScreenshotAsync("reaction-chips");

        // A click on a chip takes one's own off, or puts it on.
        await chips.First.ClickAsync();
        await Expect(chips).ToHaveTextAsync(["👍1", "🎉1"], Patiently);
        await Expect(chips.First).ToHaveAttributeAsync("aria-pressed", "false");
        await chips.Nth(1).ClickAsync();
        await Expect(chips).ToHaveTextAsync(["👍1", "🎉2"], Patiently);
        await Expect(chips.Nth(1)).ToHaveAttributeAsync("aria-pressed", "true");
        var stored = (await ivy.RoomHistoryAsync("reactions")).Single().Reactions!;
        stored.Select(reaction => (reaction.Emoji, string.Join(",", reaction.Users))).Should().Equal(("👍", "ivy"), ("🎉", "ivy,hal"));
        hal.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task On_a_phone_a_tap_on_a_message_shows_what_it_offers_and_reacting_replying_and_deleting_work_by_touch()
    {
        await using var rex = await chat.Server.ConnectAsync("rex");
        await rex.JoinAsync("phone");
        await using var quinn = await ChatPage.OpenAsync(browser.Browser, chat.Url, "quinn", width: 375, touch: true);
        await quinn.Page.Locator("#menu").TapAsync();
        await quinn.JoinAsync("phone");
        await Expect(quinn.Title).ToHaveTextAsync("#phone", Patiently);
        await rex.PostAsync("phone", "tap me, and a long line for a small screen to see how the toolbar sits on it");
        var toolbar = quinn.Page.Locator("#messages .actions");

        // A tap shows the toolbar; another tap hides it.
        await quinn.Message("tap me").Locator(".text").TapAsync();
        await Expect(toolbar).ToBeVisibleAsync();
        await Expect(Action(quinn, "tap me", "Edit")).ToBeHiddenAsync();
        await Expect(toolbar).ToBeInViewportAsync();
        await quinn.ScreenshotAsync("phone-toolbar");
        await quinn.Message("tap me").Locator(".text").TapAsync();
        await Expect(toolbar).ToHaveCountAsync(0);

        // React by touch.
        await quinn.Message("tap me").Locator(".text").TapAsync();
        await Action(quinn, "tap me", "React").TapAsync();
        var palette = quinn.Page.Locator("#messages .palette");
        await Expect(palette).ToBeInViewportAsync(new() { Ratio = 1 });
        await quinn.ScreenshotAsync("phone-palette");
        await palette.GetByRole(AriaRole.Menuitem, new() { Name = "🎉" }).TapAsync();
        await Expect(quinn.Message("tap me").Locator(".reaction")).ToHaveTextAsync(["🎉1"], Patiently);

        // Reply by touch.
        await quinn.Message("tap me").Locator(".text").TapAsync();
        await Action(quinn, "tap me", "Reply").TapAsync();
        await Expect(quinn.Page.Locator("#replying")).ToContainTextAsync("Replying to rex: tap me", PatientlyContains);
        await Expect(quinn.Page.Locator("#replying")).ToBeInViewportAsync();
        await quinn.ScreenshotAsync("phone-replying");
        await quinn.SendAsync("tapped");
        await Expect(quinn.Message("tapped").Locator(".quote")).ToContainTextAsync("rex: tap me", PatientlyContains);

        // Delete one's own, after the question.
        await quinn.Message("tapped").Locator(".text").TapAsync();
        await Action(quinn, "tapped", "Delete").TapAsync();
        await Expect(quinn.Page.Locator("#delete-dialog")).ToBeInViewportAsync(new() { Ratio = 1 });
        await quinn.ScreenshotAsync("phone-delete-question");
        await quinn.Page.Locator("#delete-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).TapAsync();
        await Expect(quinn.Messages.Locator(".text").Last).ToHaveTextAsync("message deleted", Patiently);

        var overflow = await quinn.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        overflow.Should().BeLessThanOrEqualTo(0, "nothing is wider than the screen");
        await quinn.ScreenshotAsync("phone-changes");
        quinn.Problems.Should().BeEmpty();
    }

    /// <summary>A button of the toolbar on the message holding <paramref name="text"/>.</summary>
    private static ILocator Action(ChatPage chat, string text, string name) =>
        chat.Message(text).Locator(".actions").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
}
