using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chat.Client;

/// <summary>Where and how a <see cref="ChatClient"/> connects.</summary>
public sealed class ChatClientOptions
{
    /// <summary>The server's base address, e.g. <c>http://localhost:5000</c> (the hub is at <c>/hubs/chat</c> under it).</summary>
    public required Uri Server { get; init; }

    /// <summary>The name to connect as when sign-in is off (<c>?user=</c>); null connects as a guest. Ignored with sign-in on.</summary>
    public string? User { get; init; }

    /// <summary>The access token, asked at every connect and reconnect (so a renewed one is used); null without sign-in.</summary>
    public Func<Task<string?>>? AccessTokenProvider { get; init; }

    /// <summary>When to try reconnecting; null: SignalR's default (at once, then after 2, 10 and 30 s).</summary>
    public IRetryPolicy? ReconnectPolicy { get; init; }

    /// <summary>
    /// True (the default): a stream of messages, each once and in id order, in all the user's conversations: the latest
    /// page at start, live ones, and those missed across every reconnect. False: calls only (a script that sends once).
    /// </summary>
    public bool Follow { get; init; } = true;

    /// <summary>Changes to the HTTP connection (transports, an in-memory test server's handlers).</summary>
    public Action<HttpConnectionOptions>? ConfigureHttp { get; init; }

    /// <summary>The hub's address with the user's name, as the server reads it.</summary>
    public Uri HubUrl
    {
        get
        {
            // Appended rather than resolved, so a base address with a path keeps it.
            var hub = Server.AbsoluteUri.TrimEnd('/') + "/hubs/chat";
            return new Uri(string.IsNullOrEmpty(User) ? hub : $"{hub}?user={Uri.EscapeDataString(User)}");
        }
    }
}
