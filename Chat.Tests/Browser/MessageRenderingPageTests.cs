using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// How messages read (issue 22): runs of one author, formatting built as nodes, links, what a screen reader hears, the
/// error line, dark mode and the phone's drawer. The tests share one server and each uses its own users and room.
/// </summary>
[Collection(BrowserTests.Name)]
public partial class MessageRenderingPageTests(BrowserFixture browser, SharedChat chat) : IClassFixture<SharedChat>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions PatientCount = new() { Timeout = ChatPage.Timeout };

    private const string LongText = "Deploy of v2.3 is going out now; the migration runs first, then the web nodes one by one, "
        + "and the workers last, so expect the queue to grow for a few minutes before it drains again.";

    /// <summary>Opens a page for <paramref name="user"/> in a new room of that name's own, which <paramref name="others"/> join first.</summary>
    private async Task<ChatPage> OpenInRoomAsync(string user, string room, int width = 1024, bool touch = false, TestClient[]? others = null)
    {
        foreach (var other in others ?? [])
        {
            await other.JoinAsync(room);
        }

        var page = await ChatPage.OpenAsync(browser.Browser, chat.Url, user, width, touch: touch);
        await OpenDrawerOnAPhoneAsync(page, width);
        await page.JoinAsync(room);
        await Expect(page.Title).ToHaveTextAsync($"#{room}", Patiently);
        return page;
    }

    /// <summary>At phone width the conversation list is in a drawer: the menu button opens it.</summary>
    private static async Task OpenDrawerOnAPhoneAsync(ChatPage page, int width)
    {
        if (width < 640)
        {
            await page.Page.Locator("#menu").ClickAsync();
            await Expect(page.Page.Locator("#rooms-panel")).ToBeVisibleAsync();
        }
    }

    /// <summary>Whether the author's name is on screen (a continued message keeps it for screen readers only).</summary>
    private static Task<bool> ShowsNameAsync(ILocator message) =>
        message.Locator(".user").EvaluateAsync<bool>("name => name.getBoundingClientRect().width > 2 && getComputedStyle(name).display !== 'none'");

    [SkippableFact]
    public async Task A_line_about_someone_joining_comes_under_the_separator_of_its_day()
    {
        // Arrange: an empty room, no day shown yet.
        await using var uma = await OpenInRoomAsync("uma", "days");
        await using var vic = await chat.Server.ConnectAsync("vic");

        // Act: vic joins (a line now), then writes.
        await vic.JoinAsync("days");
        await Expect(uma.Lines.Filter(new() { HasText = "vic joined" })).ToHaveCountAsync(1, PatientCount);
        await vic.PostAsync("days", "morning");
        await Expect(uma.Message("morning")).ToHaveCountAsync(1, PatientCount);

        // Assert: "Today" first, then the lines (uma's own join, vic's), then the message: one separator, above all.
        var kinds = await uma.Page.Locator("#messages > li:not(.edge)").EvaluateAllAsync<string[]>(
            "items => items.map(item => item.classList.contains('day') ? 'day' : item.classList.contains('system') ? 'line' : 'message')");
        kinds.Should().StartWith("day").And.EndWith("message").And.ContainSingle(kind => kind == "day");
        kinds.Should().Contain("line");
        uma.Problems.Should().BeEmpty();
    }

    [SkippableTheory]
    [InlineData(1024)]
    [InlineData(1440)]
    [InlineData(390)]
    public async Task The_join_box_shows_its_whole_hint(int width)
    {
        await using var wes = await ChatPage.OpenAsync(browser.Browser, chat.Url, "wes", width);
        await OpenDrawerOnAPhoneAsync(wes, width);

        // Assert: "room or @name" fits the input (it was cut to "room or @na" beside the Open button).
        var fits = await wes.Page.Locator("#join-name").EvaluateAsync<bool>("""
            input => {
              const style = getComputedStyle(input);
              const context = document.createElement("canvas").getContext("2d");
              context.font = style.font;
              const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
              return context.measureText(input.placeholder).width <= room;
            }
            """);
        fits.Should().BeTrue("the hint says what the box takes");
        wes.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_reply_quotes_formatted_text_as_it_reads_without_its_marks()
    {
        await using var quin = await chat.Server.ConnectAsync("quin");
        await using var pia = await OpenInRoomAsync("pia", "quotes", others: [quin]);
        await quin.PostAsync("quotes", "**Deploy** of `v2.3`, see _notes_\n> first\n```\nmake all\n```");
        await Expect(pia.Message("Deploy")).ToHaveCountAsync(1, PatientCount);

        // Act: pia replies to it.
        await pia.Message("Deploy").HoverAsync();
        await pia.Message("Deploy").Locator(".actions").GetByRole(AriaRole.Button, new() { Name = "Reply", Exact = true }).ClickAsync();

        // Assert: the reply bar and the quote read the words, not the marks.
        await Expect(pia.Page.Locator("#replying")).ToContainTextAsync("Replying to quin: Deploy of v2.3, see notes first make all");
        await pia.SendAsync("on it");
        await Expect(pia.Message("on it").Locator(".quote")).ToHaveTextAsync("↪quin: Deploy of v2.3, see notes first make all", Patiently);
        pia.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Messages_of_one_author_within_five_minutes_form_a_run_that_shows_the_name_and_time_once()
    {
        // Arrange
        await using var rob = await chat.Server.ConnectAsync("rob");
        await using var ann = await OpenInRoomAsync("ann", "runs", others: [rob]);

        // Act: ann writes three in a row, rob answers, ann writes again.
        foreach (var text in new[] { "run one", "run two", "run three" })
        {
            await ann.SendAsync(text);
            await Expect(ann.Message(text)).ToHaveClassAsync(new Regex(@"\bmessage\b"), new() { Timeout = ChatPage.Timeout });
        }

        await rob.PostAsync("runs", "an answer");
        await Expect(ann.Message("an answer")).ToHaveCountAsync(1, PatientCount);
        await ann.SendAsync("after the answer");
        await Expect(ann.Message("after the answer")).ToHaveClassAsync(new Regex(@"\bmessage\b"), new() { Timeout = ChatPage.Timeout });

        // Assert: the name shows at the start of each run only.
        var shown = new List<bool>();
        foreach (var text in new[] { "run one", "run two", "run three", "an answer", "after the answer" })
        {
            shown.Add(await ShowsNameAsync(ann.Message(text)));
        }

        shown.Should().Equal([true, false, false, true, true], "a run of one author shows their name once");
        await Expect(ann.Message("run two")).ToHaveClassAsync(new Regex(@"\bcontinued\b"));
        await Expect(ann.Message("an answer")).Not.ToHaveClassAsync(new Regex(@"\bcontinued\b"));

        // The rule, on messages at chosen times: at most five minutes after the author's message just above, no line between.
        var runs = await ann.Page.EvaluateAsync<bool[]>("""
            async () => {
              const { Timeline } = await import('/js/timeline.js');
              const timeline = new Timeline('t', { user: () => 'ann', replaced: () => {} });
              const at = (minutes) => new Date(Date.UTC(2026, 0, 5, 9, 0) + minutes * 60000).toISOString();
              const send = (id, user, minutes) => timeline.add({ id, room: 't', user, text: 'm' + id, sentAt: at(minutes) });
              send(1, 'ann', 0); send(2, 'ann', 4); send(3, 'ann', 9.5); send(4, 'bob', 10); send(5, 'ann', 10.5);
              timeline.line('bob', ' left');
              send(6, 'ann', 11);
              send(7, 'ann', 11.5);
              timeline.markUnseenFrom(timeline.itemOf(7));
              const runs = [...timeline.list.querySelectorAll('li.message')].map((item) => item.classList.contains('continued'));
              timeline.removeMarker();
              return [...runs, timeline.itemOf(7).classList.contains('continued')];
            }
            """);
        runs.Should().Equal([false, true, false, false, false, false, false, true],
            "4 minutes continue, 5.5 do not, another author or a line between starts anew, and so does the new-messages line until it goes");
        await ann.ScreenshotAsync("runs");
        ann.Problems.Should().BeEmpty();
    }

    [SkippableTheory]
    [InlineData(1200, false)]
    [InlineData(390, true)]
    public async Task A_long_message_keeps_its_time_on_one_line_and_every_line_of_its_text_starts_at_the_same_edge(int width, bool touch)
    {
        // Arrange
        var user = $"long{width}";
        await using var page = await OpenInRoomAsync(user, $"long-{width}", width, touch);

        // Act
        await page.SendAsync(LongText);

        // Assert: one box for the time, and the first and last lines of the text start at the same x.
        var message = page.Message("Deploy of v2.3");
        await Expect(message).ToHaveClassAsync(new Regex(@"\bmessage\b"), new() { Timeout = ChatPage.Timeout });
        var timeBoxes = await message.Locator("time").EvaluateAsync<int>("time => time.getClientRects().length");
        timeBoxes.Should().Be(1, "the time never wraps");
        var edges = await message.Locator(".text").EvaluateAsync<double[]>("""
            text => {
              const range = document.createRange();
              range.selectNodeContents(text);
              const lines = [...range.getClientRects()].filter((r) => r.width > 0);
              const time = text.closest('li').querySelector('time').getBoundingClientRect();
              return [lines[0].left, lines[lines.length - 1].left, lines[lines.length - 1].top - lines[0].top, time.left];
            }
            """);
        edges[2].Should().BeGreaterThan(0, "the text is long enough to wrap");
        edges[1].Should().BeApproximately(edges[0], 1, "continuation lines line up with the text");
        await page.ScreenshotAsync($"long-message-{width}");
        page.Problems.Should().BeEmpty();
    }

    [SkippableTheory]
    [InlineData(1024, false)]
    [InlineData(390, true)]
    public async Task An_error_under_the_input_takes_its_own_space_and_the_newest_message_stays_in_full_view(int width, bool touch)
    {
        // Arrange: a conversation long enough to scroll, read to its end (the archive: 150 messages; carol wrote them,
        // gus reads them first), so that it opens at its end.
        var user = width == 1024 ? "gus" : "carol";
        await using (var reader = await chat.Server.ConnectAsync(user))
        {
            await reader.MarkReadAsync(SharedChat.Archive, (await reader.RoomHistoryAsync(SharedChat.Archive)).Max(m => m.Id));
        }

        await using var page = await ChatPage.OpenAsync(browser.Browser, chat.Url, user, width, touch: touch);
        await OpenDrawerOnAPhoneAsync(page, width);
        await page.OpenConversationAsync(SharedChat.Archive);
        var newest = page.Message(SharedChat.ArchiveText(SharedChat.ArchiveLength));
        await Expect(newest).ToBeInViewportAsync(new() { Timeout = ChatPage.Timeout });

        // Act: an empty send, which the page refuses under the input.
        await page.Input.FillAsync("");
        await page.Input.PressAsync("Enter");
        await Expect(page.Error).ToBeVisibleAsync();

        // Assert: the newest message ends above the scrolling box's bottom edge, and the error below it (as drawn: after a frame).
        var edges = await page.Page.EvaluateAsync<double[]>("""
            async () => {
              await new Promise((drawn) => requestAnimationFrame(() => requestAnimationFrame(drawn)));
              const box = document.getElementById('scroller').getBoundingClientRect();
              const items = document.querySelectorAll('#messages li.message');
              const last = items[items.length - 1].getBoundingClientRect();
              const error = document.getElementById('error').getBoundingClientRect();
              return [last.bottom, box.bottom, error.top];
            }
            """);
        edges[0].Should().BeLessThanOrEqualTo(edges[1] + 0.5, "the newest message is not cut by the end of the list");
        edges[2].Should().BeGreaterThanOrEqualTo(edges[1], "the error sits below the list, not over it");
        await page.ScreenshotAsync($"error-under-input-{width}");
        page.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_screen_reader_hears_each_message_as_author_then_time_then_text()
    {
        // Arrange
        await using var ida = await chat.Server.ConnectAsync("ida");
        await using var ivo = await OpenInRoomAsync("ivo", "heard", others: [ida]);

        // Act
        await ida.PostAsync("heard", "Deploy of v2.3 is going out now");
        await ida.PostAsync("heard", "and a second one");

        // Assert: "ida, 09:46: Deploy…" (the time as a time), also for the message that continues the run.
        await Expect(ivo.Message("and a second one")).ToHaveCountAsync(1, PatientCount);
        var snapshot = await ivo.Page.Locator("#messages").AriaSnapshotAsync();
        snapshot.Should().MatchRegex(HeardAs("Deploy of v2\\.3 is going out now"));
        snapshot.Should().MatchRegex(HeardAs("and a second one"));
        snapshot.Should().NotContain("idaDeploy");
        ivo.Problems.Should().BeEmpty();
    }

    /// <summary>A list item of the accessibility tree that reads "ida, 09:46 PM: TEXT".</summary>
    private static string HeardAs(string text) =>
        $@"- listitem:\s*- text: ida ?,\s*- time: \d{{1,2}}:\d{{2}}(\s?[AP]M)?\s*- text: ""?: {text}""?";

    [SkippableFact]
    public async Task Http_urls_and_bare_www_names_are_links_that_open_a_new_tab_and_other_schemes_stay_text()
    {
        // Arrange
        await using var uma = await OpenInRoomAsync("uma", "links");

        // Act
        await uma.SendAsync("see www.example.org, https://example.com/a_b_c and www. alone, javascript:alert(1) or [x](javascript:alert(1))");

        // Assert
        var links = uma.Message("see www").Locator("a");
        await Expect(links).ToHaveTextAsync(["www.example.org", "https://example.com/a_b_c"], Patiently);
        await Expect(links.First).ToHaveAttributeAsync("href", "https://www.example.org/");
        await Expect(links.Nth(1)).ToHaveAttributeAsync("href", "https://example.com/a_b_c");
        foreach (var link in await links.AllAsync())
        {
            await Expect(link).ToHaveAttributeAsync("target", "_blank");
            await Expect(link).ToHaveAttributeAsync("rel", "noopener noreferrer");
        }

        await Expect(uma.Page.Locator("#messages a:not([href^='http'])")).ToHaveCountAsync(0);
        uma.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Bold_italic_code_code_blocks_and_quotes_are_formatted_with_mentions_marked_and_an_edit_formats_again()
    {
        // Arrange
        await using var fay = await chat.Server.ConnectAsync("fay");
        await using var eli = await OpenInRoomAsync("eli", "formats", others: [fay]);

        // Act
        var sent = (await fay.PostAsync("formats", "**ship it** @eli, _carefully_, run `make deploy` and keep snake_case_names\n> the plan\n> step two\n```\nnpm run **build**\n  indented\n```\ndone"))!;

        // Assert
        var message = eli.Message("ship it");
        await Expect(message.Locator("strong")).ToHaveTextAsync("ship it", Patiently);
        await Expect(message.Locator("em")).ToHaveTextAsync("carefully");
        await Expect(message.Locator(".text > code")).ToHaveTextAsync("make deploy");
        await Expect(message.Locator("blockquote")).ToHaveTextAsync("the plan\nstep two");
        await Expect(message.Locator("pre code")).ToHaveTextAsync("npm run **build**\n  indented");
        await Expect(message.Locator("pre strong")).ToHaveCountAsync(0);
        await Expect(message.Locator(".mention.me")).ToHaveTextAsync("@eli");
        await Expect(message.Locator(".text")).ToContainTextAsync("snake_case_names");
        await eli.ScreenshotAsync("formatting");

        // Act: fay edits it.
        await fay.EditAsync("formats", sent.Id, "now **bolder** and `code`");

        // Assert: the new text, formatted.
        var edited = eli.Message("now bolder");
        await Expect(edited.Locator("strong")).ToHaveTextAsync("bolder", Patiently);
        await Expect(edited.Locator("code")).ToHaveTextAsync("code");
        await Expect(edited.Locator(".edited")).ToBeVisibleAsync();
        await Expect(eli.Page.Locator("#messages blockquote")).ToHaveCountAsync(0);
        eli.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Markup_and_tricks_show_as_text_never_run_and_huge_runs_of_marks_do_not_hang_the_page()
    {
        // Arrange
        await using var hal = await chat.Server.ConnectAsync("hal");
        await using var gil = await OpenInRoomAsync("gil", "attacks", others: [hal]);
        var dialogs = 0;
        gil.Page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        string[] literal =
        [
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "**unclosed and `unclosed",
            "<script>alert(1)</script> & &amp; <b>not bold</b>",
        ];
        var huge = string.Concat(Enumerable.Range(0, 2000).Select(i => i % 7 == 3 ? "`" : i % 5 == 0 ? "**" : "*")).Substring(0, 2000);

        // Act
        foreach (var text in literal)
        {
            await hal.PostAsync("attacks", text);
        }

        await hal.PostAsync("attacks", "_nested **bold _in_ italic** and `**code**` with **_deep `x` y_ z**_");
        await hal.PostAsync("attacks", huge);
        await hal.PostAsync("attacks", "the last one");

        // Assert: as typed, nothing made of the text but the marks the page knows, nothing ran.
        await Expect(gil.Message("the last one")).ToHaveCountAsync(1, PatientCount);
        foreach (var text in literal)
        {
            await Expect(gil.Messages.Locator(".text").Filter(new() { HasText = text })).ToHaveTextAsync(text);
        }

        var made = await gil.Page.Locator("#messages .text *").EvaluateAllAsync<string[]>("nodes => [...new Set(nodes.map((n) => n.localName))]");
        made.Should().BeSubsetOf(["strong", "em", "code", "pre", "blockquote", "a", "span"]);
        await Expect(gil.Page.Locator("#messages img, #messages script, #messages b, #messages a[href^='javascript']")).ToHaveCountAsync(0);
        dialogs.Should().Be(0);

        // Far more than a message may hold, straight into the formatter: quick, and every letter still there.
        var took = await gil.Page.EvaluateAsync<double[]>("""
            async () => {
              const { format } = await import('/js/format.js');
              const marks = ['*', '`', '_', '**', '> ', '\n', '```', 'a'];
              let text = '';
              for (let i = 0; text.length < 40000; i++) text += marks[(i * 7 + (i >> 3)) % marks.length];
              const stars = '*`'.repeat(2000) + '**' + '*'.repeat(4000);
              const started = performance.now();
              const a = document.createElement('div');
              a.append(format(text));
              const b = document.createElement('div');
              b.append(format(stars));
              const letters = (s) => s.replace(/[^a]/g, '').length;
              return [performance.now() - started, letters(a.textContent), letters(text)];
            }
            """);
        took[0].Should().BeLessThan(1000, "formatting never hangs the page");
        took[1].Should().Be(took[2], "no letter of the text is lost");
        await gil.ScreenshotAsync("attacks");
        gil.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task At_phone_width_the_unread_badge_stands_beside_the_menu_icon_not_over_it()
    {
        // Arrange: a direct message for oda while she reads general.
        await using var pia = await chat.Server.ConnectAsync("pia");
        await using var oda = await ChatPage.OpenAsync(browser.Browser, chat.Url, "oda", width: 375, touch: true);

        // Act
        await pia.SendToAsync("@oda", "psst");

        // Assert: the badge shows beside ☰, not over it.
        var badge = oda.Page.Locator("#menu-badge");
        await Expect(badge).ToHaveTextAsync("1", Patiently);
        var overlap = await oda.Page.Locator("#menu").EvaluateAsync<double>("""
            menu => {
              const range = document.createRange();
              range.selectNodeContents(menu.firstChild);
              const icon = range.getBoundingClientRect();
              const badge = document.getElementById('menu-badge').getBoundingClientRect();
              const x = Math.max(0, Math.min(icon.right, badge.right) - Math.max(icon.left, badge.left));
              const y = Math.max(0, Math.min(icon.bottom, badge.bottom) - Math.max(icon.top, badge.top));
              return x * y;
            }
            """);
        overlap.Should().Be(0, "the badge covers no part of the icon");
        await Expect(badge).ToBeInViewportAsync();
        await oda.ScreenshotAsync("phone-badge");
        oda.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task At_phone_width_the_open_drawer_dims_the_page_behind_it_and_a_tap_there_closes_it()
    {
        // Arrange
        await using var ria = await ChatPage.OpenAsync(browser.Browser, chat.Url, "ria", width: 375, touch: true);

        // Act: the drawer opens.
        await ria.Page.Locator("#menu").TapAsync();
        var drawer = ria.Page.Locator("#rooms-panel");
        await Expect(drawer).ToBeVisibleAsync();

        // Assert: what is beside the drawer is a backdrop that dims the conversation.
        var beside = await ria.Page.EvaluateAsync<string[]>("""
            () => {
              const hit = document.elementFromPoint(360, 500);
              return [hit.id, getComputedStyle(hit).backgroundColor];
            }
            """);
        beside[0].Should().Be("backdrop");
        beside[1].Should().MatchRegex(@"rgba\(0, 0, 0, 0\.[1-9]", "it dims the page");
        await ria.ScreenshotAsync("phone-drawer-backdrop");

        // Act: a tap on the dimmed page.
        await ria.Page.Touchscreen.TapAsync(360, 500);

        // Assert
        await Expect(drawer).ToBeHiddenAsync();
        await Expect(ria.Page.Locator("#backdrop")).ToBeHiddenAsync();
        ria.Problems.Should().BeEmpty();
    }

    [SkippableTheory]
    [InlineData(1200, false)]
    [InlineData(390, true)]
    public async Task The_page_follows_the_systems_dark_setting(int width, bool touch)
    {
        // Arrange: a conversation with some of everything.
        await using var nat = await chat.Server.ConnectAsync($"nat{width}");
        await using var page = await OpenInRoomAsync($"max{width}", $"dark-{width}", width, touch, [nat]);
        await nat.PostAsync($"dark-{width}", $"**Heads up** @max{width}: the deploy of `v2.3` starts at www.example.org/status\n> quoted from the plan\n```\nmake deploy\n```");
        await nat.PostAsync($"dark-{width}", "and _one more_ thing");
        await page.SendAsync("thanks, " + LongText);
        await Expect(page.Message("thanks, Deploy")).ToHaveClassAsync(new Regex(@"\bmessage\b"), new() { Timeout = ChatPage.Timeout });
        await page.SendAsync("");
        await Expect(page.Error).ToBeVisibleAsync();
        await page.ScreenshotAsync($"light-{width}");

        // Act
        await page.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });

        // Assert: a dark background and light text, in the page and in a message.
        var colors = await page.Page.EvaluateAsync<double[]>("""
            () => {
              const luminance = (css) => {
                const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map(Number).map((v) => v / 255)
                  .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
                return 0.2126 * r + 0.7152 * g + 0.0722 * b;
              };
              const text = document.querySelector('#messages li.message .text');
              const panel = getComputedStyle(document.querySelector('.composer')).backgroundColor;
              return [luminance(getComputedStyle(document.documentElement).backgroundColor), luminance(getComputedStyle(text).color), luminance(panel)];
            }
            """);
        colors[0].Should().BeLessThan(0.05, "the page is dark");
        colors[2].Should().BeLessThan(0.05, "the panels are dark");
        ((colors[1] + 0.05) / (colors[0] + 0.05)).Should().BeGreaterThan(7, "the text reads well on it");
        await page.ScreenshotAsync($"dark-{width}");
        page.Problems.Should().BeEmpty();
    }
}
