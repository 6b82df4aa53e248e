using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Mentions on the page (SPEC section 12): highlighted, completed after "@", counted in the conversation list, and
/// raising a browser notification while the tab is hidden, as direct messages do. The tests share one server and each
/// uses its own users and room.
/// </summary>
[Collection(BrowserTests.Name)]
public class MentionPageTests(BrowserFixture browser, SharedChat chat) : IClassFixture<SharedChat>
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions PatientCount = new() { Timeout = ChatPage.Timeout };

    /// <summary>The tab in the background from the start, as the page sees it.</summary>
    private const string HiddenTab = """
        Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
        document.addEventListener('DOMContentLoaded', () => document.dispatchEvent(new Event('visibilitychange')));
        """;

    [SkippableFact]
    public async Task Mentions_are_marked_in_the_text_and_a_message_that_mentions_me_stands_out()
    {
        await using var kim = await chat.Server.ConnectAsync("kim");
        await using var lea = await chat.Server.ConnectAsync("lea");
        await kim.JoinAsync("mentions");
        await lea.JoinAsync("mentions");
        await using var jon = await ChatPage.OpenAsync(browser.Browser, chat.Url, "jon");
        await jon.JoinAsync("mentions");
        await Expect(jon.Title).ToHaveTextAsync("#mentions", Patiently);

        await kim.PostAsync("mentions", "@JON and @lea, see this");
        await kim.PostAsync("mentions", "only for @lea, not for @nobody");
        await kim.PostAsync("mentions", "<b>@jon</b> is not bold");

        var both = jon.Message("see this");
        await Expect(both.Locator(".mention")).ToHaveTextAsync(["@JON", "@lea"], Patiently);
        await Expect(both.Locator(".mention.me")).ToHaveTextAsync("@JON");
        await Expect(both).ToHaveClassAsync(new Regex(@"\bmentions-me\b"));
        var others = jon.Message("only for");
        await Expect(others.Locator(".mention")).ToHaveTextAsync(["@lea"]);
        await Expect(others).Not.ToHaveClassAsync(new Regex(@"\bmentions-me\b"));
        var markup = jon.Message("is not bold");
        await Expect(markup.Locator(".text")).ToHaveTextAsync("<b>@jon</b> is not bold", Patiently);
        await Expect(markup.Locator("b")).ToHaveCountAsync(0);
        await Expect(markup.Locator(".mention.me")).ToHaveTextAsync("@jon");
        await jon.ScreenshotAsync("mentions");
        jon.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task At_completes_the_names_of_who_can_read_the_conversation_Tab_or_Enter_picks_and_Escape_closes()
    {
        await using var kit = await chat.Server.ConnectAsync("kit");
        await using var lou = await chat.Server.ConnectAsync("lou");
        await kit.JoinAsync("names");
        await lou.JoinAsync("names");
        await using var joy = await ChatPage.OpenAsync(browser.Browser, chat.Url, "joy");
        await joy.JoinAsync("names");
        await Expect(joy.Title).ToHaveTextAsync("#names", Patiently);
        var offered = joy.Page.Locator("#mention-list li");

        // A room: its members.
        await joy.Input.PressSequentiallyAsync("hi @l");
        await Expect(offered).ToHaveTextAsync(["@lou"], Patiently);
        await joy.ScreenshotAsync("mention-completion");
        await joy.Input.PressAsync("Tab");
        await Expect(joy.Input).ToHaveValueAsync("hi @lou ");
        await Expect(offered).ToHaveCountAsync(0);
        await joy.Input.PressSequentiallyAsync("and @");
        await Expect(offered).ToHaveTextAsync(["@joy", "@kit", "@lou"], Patiently);
        await joy.Input.PressSequentiallyAsync("k");
        await Expect(offered).ToHaveTextAsync(["@kit"]);
        await joy.Input.PressAsync("Escape");
        await Expect(offered).ToHaveCountAsync(0);
        await Expect(joy.Input).ToHaveValueAsync("hi @lou and @k");
        await joy.Input.PressSequentiallyAsync("i");
        await Expect(offered).ToHaveTextAsync(["@kit"], Patiently);
        await joy.Input.PressAsync("Enter");
        await Expect(joy.Input).ToHaveValueAsync("hi @lou and @kit ");
        await joy.Input.PressAsync("Enter");
        await Expect(joy.Message("hi @lou and @kit").Locator(".mention")).ToHaveTextAsync(["@lou", "@kit"], Patiently);

        // A direct conversation: its two people.
        await joy.Online.Filter(new() { HasText = "kit" }).Locator("button").ClickAsync();
        await Expect(joy.Title).ToHaveTextAsync("@kit", Patiently);
        await joy.Input.PressSequentiallyAsync("@");
        await Expect(offered).ToHaveTextAsync(["@kit", "@joy"], Patiently);
        await joy.Input.PressAsync("Escape");
        await joy.Input.FillAsync("");

        // general: who is online.
        await joy.OpenConversationAsync("general");
        await joy.Input.PressSequentiallyAsync("@lo");
        await Expect(offered).ToHaveTextAsync(["@lou"], Patiently);
        joy.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task A_mention_badge_counts_unread_mentions_apart_from_the_unread_count_at_load_and_live_and_clears_when_read()
    {
        await using var ned = await chat.Server.ConnectAsync("ned");
        await ned.JoinAsync("badges");
        await using var tab1 = await ChatPage.OpenAsync(browser.Browser, chat.Url, "max");
        await tab1.JoinAsync("badges");
        await Expect(tab1.Title).ToHaveTextAsync("#badges", Patiently);
        await tab1.OpenConversationAsync("general");

        // Live, while another conversation is shown.
        await ned.PostAsync("badges", "@max look at this");
        await ned.PostAsync("badges", "plain words");

        await Expect(MentionBadge(tab1, "badges")).ToHaveTextAsync("@1", Patiently);
        await Expect(MentionBadge(tab1, "badges")).ToHaveAttributeAsync("aria-label", "1 mention");
        await Expect(tab1.Badge("badges")).ToHaveTextAsync("2", Patiently);
        await tab1.ScreenshotAsync("mention-badge");

        // At load, from the server's count (a phone, with the list in its drawer).
        await using var tab2 = await ChatPage.OpenAsync(browser.Browser, chat.Url, "max", width: 375, touch: true);
        await Expect(MentionBadge(tab2, "badges")).ToHaveTextAsync("@1", Patiently);
        await tab2.Page.Locator("#menu").TapAsync();
        await tab2.ScreenshotAsync("phone-mention-badge");
        await tab2.Page.Locator("#menu").TapAsync();

        // Read in one tab: gone in both.
        await tab1.OpenConversationAsync("badges");
        foreach (var tab in new[] { tab1, tab2 })
        {
            await Expect(MentionBadge(tab, "badges")).ToHaveCountAsync(0, PatientCount);
            await Expect(tab.Badge("badges")).ToHaveCountAsync(0, PatientCount);
        }

        tab1.Problems.Concat(tab2.Problems).Should().BeEmpty();
    }

    [SkippableFact]
    public async Task With_the_tab_hidden_a_direct_message_or_a_mention_raises_a_notification_whose_click_opens_the_conversation()
    {
        await using var pam = await chat.Server.ConnectAsync("pam");
        await using var oli = await ChatPage.OpenAsync(browser.Browser, chat.Url, "oli", prepare: async context =>
        {
            await context.GrantPermissionsAsync(["notifications"], new() { Origin = chat.Url.GetLeftPart(UriPartial.Authority) });
            await context.AddInitScriptAsync(HiddenTab + RecordedNotifications(pretend: null));
        });
        await Expect(oli.Page.Locator("#notify")).ToBeHiddenAsync(); // granted already: nothing to ask
        await oli.SendAsync("oli is here"); // in general, one can be mentioned once one has written there
        await Expect(oli.Message("oli is here")).ToHaveCountAsync(1, PatientCount);

        await pam.SendToAsync("@oli", "psst, a word for you alone");
        await pam.SendToAsync("general", "@oli have a look at this");
        await pam.SendToAsync("general", "nothing for oli in this one");
        await pam.SendToAsync("general", "@pam talks to herself");

        await Expect(oli.Message("talks to herself")).ToHaveCountAsync(1, PatientCount); // everything before it has come too
        var notifications = await Notifications(oli);
        notifications.Should().Equal(
            ("pam · direct message", "psst, a word for you alone"),
            ("pam · #general", "@oli have a look at this"));

        await oli.Page.EvaluateAsync("() => window.recordedNotifications[0].onclick()");

        await Expect(oli.Title).ToHaveTextAsync("@pam", Patiently);
        await Expect(oli.Messages.Locator(".text")).ToHaveTextAsync(["psst, a word for you alone"], Patiently);
        (await oli.Page.EvaluateAsync<bool>("() => window.recordedNotifications[0].closed")).Should().BeTrue();
        oli.Problems.Should().BeEmpty();
    }

    [SkippableFact]
    public async Task Notification_permission_is_asked_only_from_the_button_never_on_load_and_not_at_all_once_answered()
    {
        await using var pia = await ChatPage.OpenAsync(browser.Browser, chat.Url, "pia", prepare: context => context.AddInitScriptAsync(RecordedNotifications(pretend: "default")));
        var button = pia.Page.Locator("#notify");
        await Expect(button).ToBeVisibleAsync();
        await Expect(button).ToHaveTextAsync("🔔 Enable notifications");
        (await PermissionRequests(pia)).Should().Be(0, "nothing is asked on load");
        await pia.ScreenshotAsync("enable-notifications");

        await button.ClickAsync();

        await Expect(button).ToBeHiddenAsync();
        (await PermissionRequests(pia)).Should().Be(1);

        // Answered before: no button, no question.
        await using var rae = await ChatPage.OpenAsync(browser.Browser, chat.Url, "rae", prepare: context => context.AddInitScriptAsync(RecordedNotifications(pretend: "denied")));
        await Expect(rae.Page.Locator("#notify")).ToBeHiddenAsync();
        (await PermissionRequests(rae)).Should().Be(0);
        pia.Problems.Concat(rae.Problems).Should().BeEmpty();
    }

    private static ILocator MentionBadge(ChatPage chat, string room) => chat.Page.Locator($"#rooms li[data-room='{room}'] .mention-badge");

    /// <summary>
    /// Replaces <c>window.Notification</c> with a recorder: each notification made is kept in
    /// <c>window.recordedNotifications</c> and each permission request counted. <paramref name="pretend"/> is the permission
    /// it claims until a request grants it; null keeps the browser's own.
    /// </summary>
    private static string RecordedNotifications(string? pretend) => $$"""
        (() => {
          const Browser = window.Notification;
          let pretended = {{(pretend is null ? "null" : $"'{pretend}'")}};
          const recorded = [];
          window.recordedNotifications = recorded;
          window.permissionRequests = 0;
          class RecordedNotification {
            constructor(title, options = {}) {
              Object.assign(this, { title, body: options.body, tag: options.tag, onclick: null, closed: false });
              recorded.push(this);
            }
            close() { this.closed = true; }
            static get permission() { return pretended ?? Browser.permission; }
            static requestPermission() {
              window.permissionRequests += 1;
              pretended = 'granted';
              return Promise.resolve('granted');
            }
          }
          window.Notification = RecordedNotification;
        })();
        """;

    private static async Task<(string Title, string Body)[]> Notifications(ChatPage chat) =>
        [.. (await chat.Page.EvaluateAsync<string[][]>("() => window.recordedNotifications.map(n => [n.title, n.body])")).Select(n => (n[0], n[1]))];

    private static Task<int> PermissionRequests(ChatPage chat) => chat.Page.EvaluateAsync<int>("() => window.permissionRequests");
}
