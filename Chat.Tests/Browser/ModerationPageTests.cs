using Chat.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>
/// Private rooms and their moderation on the page: the "New room" dialog, the lock and topic, the members dialog with its
/// invite, roles, mute and kick, and a moderator's delete of another's message; as the owner, a moderator and a plain
/// member each see it.
/// </summary>
[Collection(BrowserTests.Name)]
public class ModerationPageTests(BrowserFixture browser)
{
    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToContainTextOptions PatientlyContains = new() { Timeout = ChatPage.Timeout };
    private static readonly LocatorAssertionsToHaveCountOptions PatientCount = new() { Timeout = ChatPage.Timeout };

    [SkippableFact]
    public async Task An_owner_creates_a_private_room_invites_and_promotes_and_moderators_mute_delete_and_kick_while_members_see_no_controls()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await using var bob = await ChatPage.OpenAsync(browser.Browser, chat.Url, "bob");
        await using var carol = await ChatPage.OpenAsync(browser.Browser, chat.Url, "carol");

        // alice creates a private room with a topic from the "New room" dialog.
        await alice.Page.Locator("#new-room").ClickAsync();
        var create = alice.Page.Locator("#room-dialog");
        await Expect(create).ToBeVisibleAsync();
        await create.GetByLabel("Name").FillAsync("plans");
        await create.GetByLabel("Topic").FillAsync("Where we go next");
        await create.GetByLabel("Private", new() { Exact = false }).CheckAsync();
        await alice.ScreenshotAsync("new-room-dialog");
        await create.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();

        await Expect(create).ToBeHiddenAsync();
        await Expect(alice.Title).ToHaveTextAsync("#plans", Patiently);
        await Expect(alice.Page.Locator("#room-lock")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#room-topic")).ToHaveTextAsync("Where we go next");
        await Expect(alice.Page.Locator("#rooms li[data-room='plans'] .lock")).ToBeVisibleAsync();
        await Expect(alice.Page.Locator("#rooms li[data-room='general'] .lock")).ToHaveCountAsync(0);
        await alice.ScreenshotAsync("private-room-header");

        // A private room needs an invite: bob cannot join it yet.
        await bob.JoinAsync("plans");
        await Expect(bob.Page.Locator("#join-error")).ToContainTextAsync("is private", PatientlyContains);

        // alice invites bob and carol from the members dialog.
        await alice.Page.Locator("#members").ClickAsync();
        var panel = alice.Page.Locator("#members-dialog");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(MemberNames(alice)).ToHaveTextAsync(["alice"], Patiently);
        foreach (var name in new[] { "bob", "carol" })
        {
            await panel.GetByLabel("Invite").FillAsync(name);
            await panel.GetByRole(AriaRole.Button, new() { Name = "Invite", Exact = true }).ClickAsync();
            await Expect(panel.Locator("#members-status")).ToContainTextAsync($"{name} is invited", PatientlyContains);
        }

        await Expect(bob.Lines.Last).ToHaveTextAsync("alice invited you to #plans; join it to take part.", Patiently);
        await bob.JoinAsync("plans");
        await carol.JoinAsync("plans");
        foreach (var page in new[] { bob, carol })
        {
            await Expect(page.Title).ToHaveTextAsync("#plans", Patiently);
            await Expect(page.Page.Locator("#room-lock")).ToBeVisibleAsync();
            await Expect(page.Page.Locator("#room-topic")).ToHaveTextAsync("Where we go next");
        }

        await Expect(MemberNames(alice)).ToHaveTextAsync(["alice", "bob", "carol"], Patiently); // the open dialog follows joins

        // alice makes bob a moderator; bob's page learns it live.
        await panel.GetByRole(AriaRole.Button, new() { Name = "Manage bob" }).ClickAsync();
        await panel.GetByRole(AriaRole.Button, new() { Name = "Make moderator" }).ClickAsync();
        await Expect(panel.Locator("li[data-user='bob'] .role-badge")).ToHaveTextAsync("moderator", Patiently);

        await bob.Page.Locator("#members").ClickAsync();
        var bobPanel = bob.Page.Locator("#members-dialog");
        await Expect(bobPanel.Locator("#members-role")).ToHaveTextAsync("You are a moderator of this room.", Patiently);
        await Expect(bobPanel.Locator("#member-invite-form")).ToBeVisibleAsync();
        await Expect(bobPanel.GetByRole(AriaRole.Button, new() { Name = "Manage carol" })).ToBeVisibleAsync(new() { Timeout = ChatPage.Timeout });
        await Expect(bobPanel.Locator("#topic-form")).ToBeHiddenAsync(); // the topic is for owners
        await bob.Page.Keyboard.PressAsync("Escape");
        await Expect(bobPanel).ToBeHiddenAsync();

        // carol, a plain member, sees the members and no controls.
        await carol.Page.Locator("#members").ClickAsync();
        var carolPanel = carol.Page.Locator("#members-dialog");
        await Expect(MemberNames(carol)).ToHaveTextAsync(["alice", "bob", "carol"], Patiently);
        await Expect(carolPanel.Locator(".manage")).ToHaveCountAsync(0);
        await Expect(carolPanel.Locator("#member-invite-form")).ToBeHiddenAsync();
        await Expect(carolPanel.Locator("#topic-form")).ToBeHiddenAsync();
        await carol.Page.Keyboard.PressAsync("Escape");
        await Expect(carolPanel).ToBeHiddenAsync();

        // Delete is on others' messages for a moderator, not for a member.
        await bob.SendAsync("from bob");
        await carol.SendAsync("from carol");
        await Expect(carol.Messages).ToHaveCountAsync(2, PatientCount);
        await carol.Message("from bob").HoverAsync();
        await Expect(Action(carol, "from bob", "Reply")).ToBeVisibleAsync();
        await Expect(Action(carol, "from bob", "Delete")).ToBeHiddenAsync();

        await Expect(bob.Message("from carol")).ToHaveCountAsync(1, PatientCount);
        await bob.Message("from carol").HoverAsync();
        await Action(bob, "from carol", "Delete").ClickAsync();
        await bob.Page.Locator("#delete-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(carol.Messages.Locator(".text")).ToHaveTextAsync(["from bob", "message deleted"], Patiently);

        // bob mutes carol for an hour: her next message is refused, with the server's reason where refusals show.
        await bob.Page.Locator("#members").ClickAsync();
        await bobPanel.GetByRole(AriaRole.Button, new() { Name = "Manage carol" }).ClickAsync();
        await bobPanel.Locator("li[data-user='carol'] select").SelectOptionAsync(new SelectOptionValue { Label = "1 hour" });
        await bobPanel.GetByRole(AriaRole.Button, new() { Name = "Mute", Exact = true }).ClickAsync();
        await Expect(bobPanel.Locator("#members-status")).ToHaveTextAsync("carol is muted for 1 hour.", Patiently);
        await Expect(carol.Lines.Last).ToContainTextAsync("bob muted you in #plans", PatientlyContains);

        await carol.SendAsync("can I still talk?");
        await Expect(carol.Error).ToContainTextAsync("You are muted in #plans", PatientlyContains);
        await Expect(carol.Input).ToHaveValueAsync("can I still talk?"); // the text is kept

        // Screenshots of the owner's members dialog (with CHAT_SCREENSHOTS set), wide and at phone width.
        await panel.GetByRole(AriaRole.Button, new() { Name = "Manage carol" }).ClickAsync();
        await alice.Page.SetViewportSizeAsync(1280, 720);
        await alice.ScreenshotAsync("members-owner-desktop");
        await alice.Page.SetViewportSizeAsync(390, 760);
        await alice.ScreenshotAsync("members-owner-phone");
        await alice.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await alice.ScreenshotAsync("members-owner-phone-dark");
        await alice.Page.SetViewportSizeAsync(1024, 720);

        // alice kicks carol: carol's page drops the room and says why; alice's list follows.
        await panel.GetByRole(AriaRole.Button, new() { Name = "Kick", Exact = true }).ClickAsync();
        await Expect(carol.Conversations).ToHaveTextAsync(["#general"], Patiently);
        await Expect(carol.Title).ToHaveTextAsync("#general");
        await Expect(carol.Lines.Last).ToHaveTextAsync("alice removed you from #plans.", Patiently);
        await Expect(MemberNames(alice)).ToHaveTextAsync(["alice", "bob"], Patiently);

        alice.Problems.Concat(bob.Problems).Concat(carol.Problems).Should().BeEmpty();
    }

    private static ILocator MemberNames(ChatPage chat) => chat.Page.Locator("#members-list li.member .member-name bdi");

    private static ILocator Action(ChatPage chat, string text, string name) =>
        chat.Message(text).Locator(".actions").GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
}
