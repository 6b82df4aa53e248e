using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Chat.Tests.Browser;

/// <summary>The chat page in its own browser context, as one person sees it; it records console errors and failed requests.</summary>
internal sealed class ChatPage : IAsyncDisposable
{
    public static readonly float Timeout = 20_000;

    private readonly IBrowserContext _context;
    private readonly List<string> _problems = [];
    private readonly List<string> _framesSent = [];

    private ChatPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Record($"console error: {message.Text}");
            }
        };
        page.PageError += (_, error) => Record($"page error: {error}");
        page.RequestFailed += (_, request) => Record($"request failed: {request.Url} {request.Failure}");
        page.WebSocket += (_, socket) => socket.FrameSent += (_, frame) =>
        {
            lock (_framesSent)
            {
                _framesSent.Add(frame.Text ?? "");
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Record($"HTTP {response.Status}: {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    public ILocator Messages => Page.Locator("#messages li.message");

    /// <summary>The message on screen whose text holds <paramref name="text"/>.</summary>
    public ILocator Message(string text) => Messages.Filter(new() { Has = Page.Locator(".text", new() { HasText = text }) });

    public ILocator Lines => Page.Locator("#messages li.system");

    public ILocator Online => Page.Locator("#online li");

    public ILocator State => Page.Locator("#state");

    public ILocator Error => Page.Locator("#error");

    public ILocator Input => Page.Locator("#text");

    /// <summary>The scrolling box around the current conversation's messages.</summary>
    public ILocator Scroller => Page.Locator("#scroller");

    public ILocator JumpToBottom => Page.Locator("#jump");

    public ILocator NewMessagesMarker => Page.Locator("#messages li.new-marker");

    /// <summary>The line above the oldest message shown: "loading earlier messages…", where the conversation begins, or empty.</summary>
    public ILocator TopLine => Page.Locator("#messages li.edge");

    /// <summary>The conversation list, as its entries read (<c>#general</c>, <c>#dev</c>, <c>@bob</c>, with a badge's number after the name).</summary>
    public ILocator Conversations => Page.Locator("#rooms li");

    /// <summary>The unread badge of one conversation in the list.</summary>
    public ILocator Badge(string room) => Page.Locator($"#rooms li[data-room='{room}'] .badge");

    /// <summary>The name of the conversation on screen.</summary>
    public ILocator Title => Page.Locator("#room-title");

    /// <summary>Opens a conversation from the list.</summary>
    public Task OpenConversationAsync(string room) => Page.Locator($"#rooms li[data-room='{room}'] button").ClickAsync();

    /// <summary>Joins a room with the small form under the list.</summary>
    public async Task JoinAsync(string room)
    {
        await Page.Locator("#join-name").FillAsync(room);
        await Page.Locator("#join-name").PressAsync("Enter");
    }

    /// <summary>Scrolls the messages to the top, as a person reading back would.</summary>
    public Task ScrollToTopAsync() => Scroller.EvaluateAsync("box => { box.scrollTop = 0; box.dispatchEvent(new Event('scroll')); }");

    /// <summary>Whether the end of the messages is on screen.</summary>
    public Task<bool> AtBottomAsync() => Scroller.EvaluateAsync<bool>("box => box.scrollHeight - box.scrollTop - box.clientHeight < 40");

    /// <summary>Console errors, page errors, failed requests and HTTP errors seen so far.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            lock (_problems)
            {
                return [.. _problems];
            }
        }
    }

    /// <summary>How many times the page has invoked the hub method <paramref name="method"/> so far (over its WebSocket).</summary>
    public int HubCalls(string method)
    {
        lock (_framesSent)
        {
            // One frame may hold several messages; each invocation names its target once.
            return _framesSent.Sum(frame => frame.Split($"\"target\":\"{method}\"").Length - 1);
        }
    }

    /// <summary>Opens the page, enters <paramref name="user"/> in the name dialog and waits until it is connected.</summary>
    /// <param name="touch">A phone's touch screen (taps, no hover) instead of a mouse.</param>
    public static async Task<ChatPage> OpenAsync(IBrowser browser, Uri server, string user, int width = 1024, Func<IBrowserContext, Task>? prepare = null, bool touch = false)
    {
        var chat = await OpenBlankAsync(browser, server, "/", width, prepare, touch);
        await chat.Page.Locator("#name").FillAsync(user);
        await chat.Page.Locator("#name").PressAsync("Enter");
        await Expect(chat.State).ToHaveTextAsync("connected", new() { Timeout = Timeout });

        // Ready once it has the server's online list: who connects after that is an arrival to it.
        await Expect(chat.Online.Filter(new() { HasTextRegex = new System.Text.RegularExpressions.Regex($"^{System.Text.RegularExpressions.Regex.Escape(user)}$") })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        return chat;
    }

    /// <summary>Opens <paramref name="path"/> (e.g. <c>/#token=...</c>) and leaves the rest to the test.</summary>
    /// <param name="prepare">Runs on the new browser context before the page loads (e.g. to route its WebSocket).</param>
    public static async Task<ChatPage> OpenBlankAsync(IBrowser browser, Uri server, string path, int width = 1024, Func<IBrowserContext, Task>? prepare = null, bool touch = false)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 720 },
            HasTouch = touch,
            IsMobile = touch,
        });
        context.SetDefaultTimeout(Timeout);
        if (prepare is not null)
        {
            await prepare(context);
        }

        var chat = new ChatPage(context, await context.NewPageAsync());
        await chat.Page.GotoAsync(new Uri(server, path).ToString());
        return chat;
    }

    /// <summary>Types <paramref name="text"/> and presses Enter, as a person would.</summary>
    public async Task SendAsync(string text)
    {
        await Input.FillAsync(text);
        await Input.PressAsync("Enter");
    }

    /// <summary>The text of every message on screen, in screen order.</summary>
    public Task<IReadOnlyList<string>> MessageTextsAsync() => Page.Locator("#messages li.message .text").AllTextContentsAsync();

    /// <summary>Saves a screenshot to the folder named by CHAT_SCREENSHOTS, when set: for looking at the page by eye.</summary>
    public async Task ScreenshotAsync(string name)
    {
        if (Environment.GetEnvironmentVariable("CHAT_SCREENSHOTS") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await Page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"{name}.png") });
        }
    }

    /// <summary>Emulates losing the network (new connections fail) or getting it back.</summary>
    public Task SetOfflineAsync(bool offline) => _context.SetOfflineAsync(offline);

    private void Record(string problem)
    {
        lock (_problems)
        {
            _problems.Add(problem);
        }
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
