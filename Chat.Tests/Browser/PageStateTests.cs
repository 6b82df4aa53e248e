using Chat.Testing;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>One server for <see cref="PageStateTests"/>: a room of <see cref="Length"/> messages by carol, <see cref="Room"/>, with members who have read none yet.</summary>
public sealed class BusyRoomChat : IAsyncLifetime
{
    public const string Room = "busy";

    public const int Length = 150;

    private ChatProcess? _server;

    public ChatProcess Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public Uri Url => Server.Url;

    public static string Text(int number) => $"busy {number:000}";

    public async Task InitializeAsync()
    {
        var start = DateTime.UtcNow.AddHours(-1);
        var database = await SeededHistory.CreateInAsync(
            Enumerable.Range(1, Length).Select(i => (Room, "carol", Text(i), start.AddSeconds(i))),
            ("carol", Room), ("gus", Room), ("hal", Room), ("ivy", Room));
        _server = await ChatProcess.StartOnAsync(database);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

/// <summary>
/// What the page keeps and where it opens (issue 22): unread counted as messages come into view, a conversation opened at
/// its first unread message, a draft per conversation, the open conversation and drafts across reloads, @name in the
/// join box, and a refused name kept in its dialog. The tests share one server and each has its own users and rooms.
/// </summary>
[Collection(BrowserTests.Name)]
public class PageStateTests(BrowserFixture browser, BusyRoomChat chat) : IClassFixture<BusyRoomChat>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions PatientCount = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToBeVisibleOptions PatientlyVisible = new() { Timeout = ChatPage.Timeout };
    private static readonly PageAssertionsToHaveTitleOptions PatientTitle = new() { Timeout = ChatPage.Timeout };

    private const string Shots = "/tmp/shots-page-state";

    /// <summary>The text of the message just under the "new messages" line.</summary>
    private static Task<string> FirstUnreadTextAsync(ChatPage page) =>
        page.NewMessagesMarker.EvaluateAsync<string>("m => m.nextElementSibling.querySelector('.text').textContent");

    /// <summary>The number in the tab title, "(12) Chat", or 0.</summary>
    private static async Task<int> TitleCountAsync(ChatPage page)
    {
        var title = await page.Page.TitleAsync();
        return title.StartsWith('(') ? int.Parse(title[1..title.IndexOf(')')], System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static async Task ShotAsync(ChatPage page, string name) => await page.Page.ScreenshotAsync(new() { Path = Path.Combine(Shots, $"{name}.png") });

    /// <summary>Marks <paramref name="user"/>'s read marker in the busy room at message <paramref name="number"/>.</summary>
    private async Task ReadUpToAsync(string user, int number)
    {
        await using var client = await chat.Server.ConnectAsync(user);
        var history = await client.RoomHistoryAsync(BusyRoomChat.Room, 0, 100);
        await client.MarkReadAsync(BusyRoomChat.Room, history.Single(m => m.Text == BusyRoomChat.Text(number)).Id);
    }

    [SkippableFact]
    public async Task A_long_unread_room_opens_at_its_first_unread_message_and_counts_down_as_messages_come_into_view()
    {
        // Arrange: gus has read the busy room up to message 20; 130 are unread, more than one page.
        await ReadUpToAsync("gus", 20);
        await using var gus = await ChatPage.OpenAsync(browser.Browser, chat.Url, "gus", width: 1200);
        await Expect(gus.Badge(BusyRoomChat.Room)).ToHaveTextAsync("130", Patiently);
        await Expect(gus.Page).ToHaveTitleAsync("(130) Chat", PatientTitle);

        // Act
        await gus.OpenConversationAsync(BusyRoomChat.Room);

        // Assert: the line is right above message 21, on screen; what is on screen is read, the rest still counts.
        await Expect(gus.NewMessagesMarker).ToBeInViewportAsync(new() { Timeout = ChatPage.Timeout });
        (await FirstUnreadTextAsync(gus)).Should().Be(BusyRoomChat.Text(21));
        await Expect(gus.Message(BusyRoomChat.Text(21))).ToBeInViewportAsync();
        await Expect(gus.Page).Not.ToHaveTitleAsync("(130) Chat", PatientTitle);
        var left = await TitleCountAsync(gus);
        left.Should().BeInRange(100, 129, "only the messages on screen are seen");
        (await gus.Badge(BusyRoomChat.Room).TextContentAsync()).Should().Be(left.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ShotAsync(gus, "desktop-opened-at-first-unread");

        // Act: read on, down to the end.
        await gus.Scroller.EvaluateAsync("box => { box.scrollTop = box.scrollHeight; box.dispatchEvent(new Event('scroll')); }");

        // Assert: nothing unread, and the server knows (a reload opens the same room with nothing unread).
        await Expect(gus.Badge(BusyRoomChat.Room)).ToHaveCountAsync(0, PatientCount);
        await Expect(gus.Page).ToHaveTitleAsync("Chat", PatientTitle);
        await using (var client = await chat.Server.ConnectAsync("gus"))
        {
            await Eventually.UntilAsync(async () => (await client.RoomsAsync()).Single(r => r.Room == BusyRoomChat.Room).Unread == 0, "the server heard that everything was read");
        }

        await gus.Page.ReloadAsync();
        await Expect(gus.State).ToHaveTextAsync("connected", Patiently);
        await Expect(gus.Title).ToHaveTextAsync("#busy", Patiently);
        await Expect(gus.Message(BusyRoomChat.Text(150))).ToBeInViewportAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(gus.NewMessagesMarker).ToHaveCountAsync(0);
        await Expect(gus.Page).ToHaveTitleAsync("Chat");
        gus.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task On_a_phone_the_bar_leads_back_to_the_first_unread_message_once_it_is_out_of_view()
    {
        // Arrange: hal has read up to message 100: 50 unread.
        await ReadUpToAsync("hal", 100);
        await using var hal = await ChatPage.OpenAsync(browser.Browser, chat.Url, "hal", width: 390, touch: true);
        await Expect(hal.Badge(BusyRoomChat.Room)).ToHaveTextAsync("50", Patiently);
        await hal.Page.Locator("#menu").TapAsync();
        await hal.Page.Locator($"#rooms li[data-room='{BusyRoomChat.Room}'] button").TapAsync();
        await Expect(hal.NewMessagesMarker).ToBeInViewportAsync(new() { Timeout = ChatPage.Timeout });
        (await FirstUnreadTextAsync(hal)).Should().Be(BusyRoomChat.Text(101));
        var firstBar = hal.Page.Locator("#first-unread");
        await Expect(firstBar).ToBeHiddenAsync();
        await ShotAsync(hal, "phone-opened-at-first-unread");
        await Expect(hal.Page).Not.ToHaveTitleAsync("(50) Chat", PatientTitle);
        var seenFirst = await TitleCountAsync(hal);

        // Act: a little further down, past the line.
        await hal.Scroller.EvaluateAsync("box => { box.scrollTop += box.clientHeight; box.dispatchEvent(new Event('scroll')); }");

        // Assert: fewer unread; the line is out of view and the bar leads back to it.
        await Expect(firstBar).ToBeVisibleAsync(PatientlyVisible);
        await Expect(firstBar).ToContainTextAsync("unread");
        (await TitleCountAsync(hal)).Should().BeLessThan(seenFirst).And.BeGreaterThan(0);
        await ShotAsync(hal, "phone-bar-to-first-unread");
        await firstBar.TapAsync();
        await Expect(hal.NewMessagesMarker).ToBeInViewportAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(firstBar).ToBeHiddenAsync();
        hal.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_direct_conversation_opens_with_the_line_above_the_one_unread_message_also_after_a_reload()
    {
        // Arrange: vic wrote to una four times and she read them; then once more while she is in #general.
        await using var vic = await chat.Server.ConnectAsync("vic");
        await using (var una = await chat.Server.ConnectAsync("una"))
        {
            ChatMessage? last = null;
            foreach (var text in new[] { "one", "two", "three", "four" })
            {
                last = await vic.PostAsync("@una", text);
            }

            await una.MarkReadAsync("@vic", last!.Id);
        }

        await using var page = await ChatPage.OpenAsync(browser.Browser, chat.Url, "una");
        await vic.PostAsync("@una", "five");
        await Expect(page.Badge("@vic")).ToHaveTextAsync("1", Patiently);

        // Act
        await page.OpenConversationAsync("@vic");

        // Assert: the line is above "five" alone.
        await Expect(page.Messages).ToHaveCountAsync(5, PatientCount);
        await Expect(page.NewMessagesMarker).ToHaveCountAsync(1);
        (await FirstUnreadTextAsync(page)).Should().Be("five");
        await Expect(page.Badge("@vic")).ToHaveCountAsync(0, PatientCount);

        // Arrange: back in #general, vic writes again; the page is reloaded.
        await page.OpenConversationAsync("general");
        await vic.PostAsync("@una", "six");
        await Expect(page.Badge("@vic")).ToHaveTextAsync("1", Patiently);
        await page.Page.ReloadAsync();
        await Expect(page.State).ToHaveTextAsync("connected", Patiently);
        await Expect(page.Badge("@vic")).ToHaveTextAsync("1", Patiently);

        // Act
        await page.OpenConversationAsync("@vic");

        // Assert
        await Expect(page.Messages).ToHaveCountAsync(6, PatientCount);
        await Expect(page.NewMessagesMarker).ToHaveCountAsync(1, PatientCount);
        (await FirstUnreadTextAsync(page)).Should().Be("six");
        await ShotAsync(page, "direct-line-above-the-unread-one");
        page.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Each_conversation_keeps_its_own_draft_across_reloads_and_a_sent_one_is_gone()
    {
        await using (var kay = await chat.Server.ConnectAsync("kay"))
        {
            await kay.PostAsync("@jay", "hi jay");
        }

        await using var jay = await ChatPage.OpenAsync(browser.Browser, chat.Url, "jay");
        await jay.JoinAsync("drafts");
        await Expect(jay.Title).ToHaveTextAsync("#drafts", Patiently);
        await jay.OpenConversationAsync("@kay");
        await Expect(jay.Title).ToHaveTextAsync("@kay", Patiently);

        // Act: a draft for kay, then another conversation.
        await jay.Input.FillAsync("draft for kay");
        await jay.OpenConversationAsync("drafts");

        // Assert: not in #drafts; each conversation has its own.
        await Expect(jay.Input).ToHaveValueAsync("");
        await jay.Input.FillAsync("draft for the room");
        await jay.OpenConversationAsync("general");
        await Expect(jay.Input).ToHaveValueAsync("");
        await jay.OpenConversationAsync("@kay");
        await Expect(jay.Input).ToHaveValueAsync("draft for kay");

        // Act: a reload, in #drafts.
        await jay.OpenConversationAsync("drafts");
        await jay.Page.ReloadAsync();

        // Assert: back in #drafts, with its draft; kay's is kept too, and goes once sent.
        await Expect(jay.State).ToHaveTextAsync("connected", Patiently);
        await Expect(jay.Title).ToHaveTextAsync("#drafts", Patiently);
        await Expect(jay.Input).ToHaveValueAsync("draft for the room");
        await ShotAsync(jay, "draft-after-reload");
        await jay.OpenConversationAsync("@kay");
        await Expect(jay.Input).ToHaveValueAsync("draft for kay");
        await jay.Input.PressAsync("Enter");
        await Expect(jay.Message("draft for kay")).ToHaveCountAsync(1, PatientCount);
        await Expect(jay.Input).ToHaveValueAsync("");
        await jay.Page.ReloadAsync();
        await Expect(jay.State).ToHaveTextAsync("connected", Patiently);
        await Expect(jay.Title).ToHaveTextAsync("@kay", Patiently);
        await Expect(jay.Message("draft for kay")).ToHaveCountAsync(1, PatientCount);
        await Expect(jay.Input).ToHaveValueAsync("");
        jay.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task At_a_name_in_the_join_box_opens_a_direct_conversation_with_someone_who_is_not_online()
    {
        await using var lia = await ChatPage.OpenAsync(browser.Browser, chat.Url, "lia", width: 375, touch: true);
        await lia.Page.Locator("#menu").TapAsync();

        // Act: mo has never been online.
        await lia.Page.Locator("#join-name").FillAsync("@mo");
        await lia.Page.Locator("#join-name").PressAsync("Enter");

        // Assert
        await Expect(lia.Title).ToHaveTextAsync("@mo", Patiently);
        await Expect(lia.Page.Locator("#join-error")).ToBeHiddenAsync();
        await lia.SendAsync("hello mo");
        await Expect(lia.Message("hello mo")).ToHaveCountAsync(1, PatientCount);
        await Expect(lia.Conversations).ToHaveTextAsync(["#general", "@mo"], Patiently);
        await ShotAsync(lia, "phone-direct-by-name");
        await using (var mo = await chat.Server.ConnectAsync("mo"))
        {
            (await mo.RoomHistoryAsync("@lia")).Select(m => m.Text).Should().Equal("hello mo");
        }

        await lia.Page.ReloadAsync();
        await Expect(lia.State).ToHaveTextAsync("connected", Patiently);
        await Expect(lia.Title).ToHaveTextAsync("@mo", Patiently);
        lia.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task What_is_said_in_general_after_a_first_visit_is_unread_at_the_next()
    {
        // Arrange: a first visit, then away.
        await using (var first = await ChatPage.OpenAsync(browser.Browser, chat.Url, "pam"))
        {
            await Expect(first.Title).ToHaveTextAsync("#general", Patiently);
        }

        await using (var ray = await chat.Server.ConnectAsync("ray"))
        {
            foreach (var text in new[] { "while pam was away 1", "while pam was away 2", "while pam was away 3" })
            {
                await ray.PostAsync("general", text);
            }
        }

        // Act
        await using var pam = await ChatPage.OpenAsync(browser.Browser, chat.Url, "pam");

        // Assert: general opens at the first of them, under the "new messages" line (it was all read, with no line).
        await Expect(pam.NewMessagesMarker).ToBeVisibleAsync(PatientlyVisible);
        (await FirstUnreadTextAsync(pam)).Should().Be("while pam was away 1");
        pam.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_direct_conversation_with_only_a_draft_is_still_listed_after_a_reload()
    {
        await using var noa = await ChatPage.OpenAsync(browser.Browser, chat.Url, "noa");
        await noa.JoinAsync("@ode");
        await Expect(noa.Title).ToHaveTextAsync("@ode", Patiently);

        // Act: a draft to ode (nothing sent, so the server knows no such conversation), another conversation, a reload.
        await noa.Input.FillAsync("draft for ode");
        await noa.OpenConversationAsync("general");
        await noa.Page.ReloadAsync();

        // Assert: @ode is listed, with its draft.
        await Expect(noa.State).ToHaveTextAsync("connected", Patiently);
        await noa.OpenConversationAsync("@ode");
        await Expect(noa.Title).ToHaveTextAsync("@ode", Patiently);
        await Expect(noa.Input).ToHaveValueAsync("draft for ode");
        noa.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_name_the_server_refuses_is_explained_in_the_dialog_which_stays_open_for_another()
    {
        await using var page = await ChatPage.OpenBlankAsync(browser.Browser, chat.Url, "/");
        var dialog = page.Page.Locator("#name-dialog");

        // Act: "аlice" with a Cyrillic а.
        await page.Page.Locator("#name").FillAsync("\u0430lice");
        await page.Page.Locator("#name").PressAsync("Enter");

        // Assert: the server's reason, in the dialog, which stays.
        await Expect(page.Page.Locator("#name-error")).ToContainTextAsync("mixes Latin letters with Cyrillic", new() { Timeout = ChatPage.Timeout });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#me")).Not.ToHaveTextAsync("\u0430lice"); // the header names nobody the server refused
        await ShotAsync(page, "refused-name-in-dialog");

        // Act: another name.
        await page.Page.Locator("#name").FillAsync("nia");
        await page.Page.Locator("#name").PressAsync("Enter");

        // Assert: in, under that name, and a message goes out.
        await Expect(page.State).ToHaveTextAsync("connected", Patiently);
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#me")).ToHaveTextAsync("nia");
        await page.SendAsync("hello from nia");
        await Expect(page.Page.Locator("#messages li.message.own .text")).ToHaveTextAsync("hello from nia", Patiently);

        // Act: renamed to a refused name, with a draft in the input.
        await page.Input.FillAsync("kept while renaming");
        await page.Page.Locator("#rename").ClickAsync();
        await page.Page.Locator("#name").FillAsync("\u0430lice");
        await page.Page.Locator("#name").PressAsync("Enter");
        await Expect(page.Page.Locator("#name-error")).ToContainTextAsync("mixes Latin letters with Cyrillic", new() { Timeout = ChatPage.Timeout });
        await Expect(dialog).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#me")).Not.ToHaveTextAsync("\u0430lice");
        await page.Page.Locator("#name").FillAsync("nia");
        await page.Page.Locator("#name").PressAsync("Enter");

        // Assert: back as nia, the draft still there.
        await Expect(page.State).ToHaveTextAsync("connected", Patiently);
        await Expect(dialog).ToBeHiddenAsync();
        await Expect(page.Input).ToHaveValueAsync("kept while renaming");
        page.Problems.Should().BeEmpty();
    }
}
