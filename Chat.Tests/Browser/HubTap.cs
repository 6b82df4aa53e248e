using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Chat.Tests.Browser;

/// <summary>
/// Between the page and the server: passes every frame on and keeps the hub messages both ways, can deliver a message
/// of its own to the page, and can cut the connection (the page's reconnect comes through it again).
/// </summary>
internal sealed class HubTap
{
    private const char Separator = '\u001e'; // ends each message of SignalR's JSON protocol

    private readonly List<string> _sent = [];
    private readonly List<string> _received = [];
    private IWebSocketRoute? _page;

    public Task InstallAsync(IBrowserContext context) => context.RouteWebSocketAsync(new Regex("/hubs/chat"), page =>
    {
        var server = page.ConnectToServer();
        _page = page;
        page.OnMessage(frame => Pass(frame, _sent, server));
        server.OnMessage(frame => Pass(frame, _received, page));
    });

    /// <summary>The arguments of each call of the hub method <paramref name="target"/> the page made, in order.</summary>
    public IReadOnlyList<JsonElement> Calls(string target) => Invocations(_sent, target);

    /// <summary>The arguments of each call of the client method <paramref name="target"/> the server made on the page, in order.</summary>
    public IReadOnlyList<JsonElement> CallsOnPage(string target) => Invocations(_received, target);

    /// <summary>Delivers a call of the client method <paramref name="target"/> to the page as if the server had made it.</summary>
    public void CallOnPage(string target, params object[] arguments) =>
        (_page ?? throw new InvalidOperationException("The page has not connected."))
            .Send(JsonSerializer.Serialize(new { type = 1, target, arguments }) + Separator);

    /// <summary>Closes the page's connection, as a network that drops it would.</summary>
    public Task CutAsync() => (_page ?? throw new InvalidOperationException("The page has not connected.")).CloseAsync();

    private static void Pass(IWebSocketFrame frame, List<string> kept, IWebSocketRoute to)
    {
        if (frame.Text is { } text)
        {
            lock (kept)
            {
                kept.AddRange(text.Split(Separator, StringSplitOptions.RemoveEmptyEntries));
            }

            to.Send(text);
        }
        else if (frame.Binary is { } bytes)
        {
            to.Send(bytes);
        }
    }

    private static List<JsonElement> Invocations(List<string> kept, string target)
    {
        string[] messages;
        lock (kept)
        {
            messages = [.. kept];
        }

        var calls = new List<JsonElement>();
        foreach (var message in messages)
        {
            using var json = JsonDocument.Parse(message);
            var root = json.RootElement;
            if (root.TryGetProperty("type", out var type) && type.GetInt32() == 1 && root.TryGetProperty("target", out var name) && name.GetString() == target)
            {
                calls.Add(root.GetProperty("arguments").Clone());
            }
        }

        return calls;
    }
}
