using Chat.Testing;
using System.Text.RegularExpressions;
using Chat.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

[Collection(BrowserTests.Name)]
public partial class ReconnectTests(BrowserFixture browser)
{
    [SkippableFact]
    public async Task After_a_server_restart_the_page_shows_every_missed_message_once_in_order()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        var expected = new List<string>();
        await using (var sender = await chat.ConnectAsync("sender"))
        {
            for (var i = 1; i <= 3; i++)
            {
                expected.Add((await sender.SendAsync($"before {i}", "sender"))!.Text);
            }
        }

        await Expect(alice.Messages).ToHaveCountAsync(3, new() { Timeout = ChatPage.Timeout });

        // Act: the server dies; while the page cannot reach it, a new server on the same file takes messages.
        await chat.KillAsync();
        await Expect(alice.State).ToHaveTextAsync("reconnecting", new() { Timeout = ChatPage.Timeout });
        await alice.SetOfflineAsync(true);
        await chat.RestartAsync();
        await using (var sender = await chat.ConnectAsync("sender"))
        {
            for (var i = 1; i <= 5; i++)
            {
                expected.Add((await sender.SendAsync($"missed {i}", "sender"))!.Text);
            }
        }

        await Expect(alice.State).ToHaveTextAsync("reconnecting");
        await Expect(alice.Messages).ToHaveCountAsync(3);
        await alice.SetOfflineAsync(false);

        // Assert
        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync([.. expected], new() { Timeout = ChatPage.Timeout });
        var ids = await alice.Page.Locator("#messages li.message").EvaluateAllAsync<long[]>("items => items.map(i => Number(i.dataset.id))");
        ids.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [SkippableFact]
    public async Task After_a_server_restart_messages_missed_in_a_room_are_in_that_room_with_their_unread_badge()
    {
        await using var chat = await ChatProcess.StartAsync();
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice");
        await alice.JoinAsync("dev");
        await Expect(alice.Title).ToHaveTextAsync("#dev", new() { Timeout = ChatPage.Timeout });
        await alice.OpenConversationAsync("general");

        // Act: while the page cannot reach the server, bob writes in #dev, in general and to alice directly.
        await chat.KillAsync();
        await Expect(alice.State).ToHaveTextAsync("reconnecting", new() { Timeout = ChatPage.Timeout });
        await alice.SetOfflineAsync(true);
        await chat.RestartAsync();
        await using (var bob = await chat.ConnectAsync("bob"))
        {
            await bob.JoinAsync("dev");
            await bob.SendToAsync("dev", "missed in dev 1");
            await bob.SendToAsync("general", "missed in general");
            await bob.SendToAsync("dev", "missed in dev 2");
            await bob.SendToAsync("@alice", "missed, just for alice");
        }

        await alice.SetOfflineAsync(false);

        // Assert
        await Expect(alice.State).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["missed in general"], new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Badge("dev")).ToHaveTextAsync("2", new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Badge("@bob")).ToHaveTextAsync("1");
        await Expect(alice.Page).ToHaveTitleAsync("(3) Chat");
        await alice.OpenConversationAsync("dev");
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["missed in dev 1", "missed in dev 2"], new() { Timeout = ChatPage.Timeout });
        await alice.OpenConversationAsync("@bob");
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["missed, just for alice"], new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page).ToHaveTitleAsync("Chat");
    }

    [SkippableFact]
    public async Task A_send_cut_by_a_disconnect_is_sent_again_after_reconnecting_and_shown_once_with_no_error()
    {
        await using var chat = await ChatProcess.StartAsync();
        var cut = new WebSocketCut("cut short");
        await using var alice = await ChatPage.OpenAsync(browser.Browser, chat.Url, "alice", prepare: cut.InstallAsync);

        // Act: the invocation reaches the server, which stores the message, but the connection is cut before its answer.
        await alice.SendAsync("cut short");

        // Assert
        await Expect(alice.Page.Locator("#messages li.message .text")).ToHaveTextAsync(["cut short"], new() { Timeout = ChatPage.Timeout });
        await Expect(alice.Page.Locator("#messages li.pending")).ToHaveCountAsync(0, new() { Timeout = ChatPage.Timeout });
        await Expect(alice.State).ToHaveTextAsync("connected");
        await Expect(alice.Error).ToBeHiddenAsync();
        await Expect(alice.Input).ToHaveValueAsync("");
        cut.Sends.Should().HaveCount(2, "the page sent it again after reconnecting");
        cut.Sends.Distinct().Should().ContainSingle("with the same clientMessageId");
        await using var bob = await chat.ConnectAsync("bob");
        (await bob.HistoryAsync()).Select(message => message.Text).Should().Equal(["cut short"], "the server stored it once");
        alice.Problems.Should().BeEmpty();
    }

    /// <summary>
    /// Between the page and the server: passes every frame on, except that the first Post carrying
    /// <c>marker</c> reaches the server and then the page's connection is closed before any answer comes back.
    /// </summary>
    private sealed partial class WebSocketCut(string marker)
    {
        private readonly List<string> _sends = [];
        private int _cut;

        /// <summary>The clientMessageId of every Post with the marker that the page sent.</summary>
        public IReadOnlyList<string> Sends
        {
            get
            {
                lock (_sends)
                {
                    return [.. _sends];
                }
            }
        }

        public Task InstallAsync(IBrowserContext context) => context.RouteWebSocketAsync(new Regex("/hubs/chat"), page =>
        {
            var server = page.ConnectToServer();
            var cutHere = false;
            server.OnMessage(frame =>
            {
                if (!cutHere)
                {
                    Forward(frame, page);
                }
            });
            page.OnMessage(frame =>
            {
                if (frame.Text is { } text && text.Contains("\"Post\"", StringComparison.Ordinal) && text.Contains(marker, StringComparison.Ordinal))
                {
                    lock (_sends)
                    {
                        _sends.Add(ClientMessageId().Match(text).Groups[1].Value);
                    }

                    if (Interlocked.Exchange(ref _cut, 1) == 0)
                    {
                        cutHere = true;
                        server.Send(text);
                        _ = page.CloseAsync();
                        return;
                    }
                }

                Forward(frame, server);
            });
        });

        private static void Forward(IWebSocketFrame frame, IWebSocketRoute to)
        {
            if (frame.Text is { } text)
            {
                to.Send(text);
            }
            else if (frame.Binary is { } bytes)
            {
                to.Send(bytes);
            }
        }

        [GeneratedRegex("\"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\"")]
        private static partial Regex ClientMessageId();
    }
}
