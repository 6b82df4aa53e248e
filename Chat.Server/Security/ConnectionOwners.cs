using System.Collections.Concurrent;
using System.Text.Json;
using Chat.Server.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Security;

/// <summary>
/// Who opened each hub connection (SPEC section 7): the user of its negotiate request (the token's name, or
/// <c>?user=</c> without sign-in; empty for a guest). A long-polling or server-sent-events connection is a
/// series of HTTP requests that name it by its connection token (<c>?id=</c>, which ends up in proxy logs);
/// <see cref="ConnectionOwnerCheck"/> lets through only those from its owner. Entries go when the connection
/// closes, or, for one negotiated and never connected, after <see cref="NeverConnected"/>.
/// </summary>
internal sealed class ConnectionOwners : IDisposable
{
    /// <summary>How long a negotiated connection may go unused before it is forgotten (SignalR drops it sooner).</summary>
    public static readonly TimeSpan NeverConnected = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Owner> _owners = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly ITimer _sweep;

    public ConnectionOwners(TimeProvider clock)
    {
        _clock = clock;
        _sweep = clock.CreateTimer(_ => Sweep(), null, NeverConnected, NeverConnected);
    }

    /// <summary>Connections negotiated or open now.</summary>
    public int Count => _owners.Count;

    /// <summary>A negotiate answered with <paramref name="token"/> for <paramref name="user"/>.</summary>
    public void Negotiated(string token, string user) => _owners[token] = new Owner(user, _clock.GetTimestamp());

    /// <summary>The owner of the connection with <paramref name="token"/>, or null when there is none.</summary>
    public string? OwnerOf(string token) => _owners.TryGetValue(token, out var owner) ? owner.User : null;

    /// <summary>The connection started its hub session: it is kept until it closes.</summary>
    public void Connected(HubConnectionContext connection)
    {
        if (TokenOf(connection) is { } token && _owners.TryGetValue(token, out var owner))
        {
            owner.Connected = true;
        }
    }

    public void Disconnected(HubConnectionContext connection)
    {
        if (TokenOf(connection) is { } token)
        {
            _owners.TryRemove(token, out _);
        }
    }

    public void Dispose() => _sweep.Dispose();

    /// <summary>The connection token in a connection's first request (absent for a WebSocket that skipped negotiation).</summary>
    private static string? TokenOf(HubConnectionContext connection) =>
        connection.GetHttpContext()?.Request.Query["id"] is [{ Length: > 0 } token] ? token : null;

    private void Sweep()
    {
        var now = _clock.GetTimestamp();
        foreach (var (token, owner) in _owners)
        {
            if (!owner.Connected && _clock.GetElapsedTime(owner.Since, now) > NeverConnected)
            {
                _owners.TryRemove(KeyValuePair.Create(token, owner));
            }
        }
    }

    private sealed class Owner(string user, long since)
    {
        public string User { get; } = user;

        public long Since { get; } = since;

        public bool Connected { get; set; }
    }
}

/// <summary>
/// Refuses every request of an existing hub connection (<c>?id=</c>) that does not come from the user who opened it
/// (403; 404 for a connection token it never handed out), and records the owner of each connection a negotiate
/// opens. Runs after authentication: with sign-in on, a request without a valid token got 401 already.
/// </summary>
internal sealed class ConnectionOwnerCheck(RequestDelegate next, ConnectionOwners owners)
{
    public const string Refusal = "This connection was opened by another user; a connection token is not a credential. Open a connection of your own.";

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments(HubExtensions.Path))
        {
            return next(context);
        }

        if (request.Path.Value!.EndsWith("/negotiate", StringComparison.Ordinal) && HttpMethods.IsPost(request.Method))
        {
            return NegotiateAsync(context);
        }

        if (request.Query["id"] is not [{ Length: > 0 } token])
        {
            return next(context);
        }

        switch (owners.OwnerOf(token))
        {
            case null:
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return context.Response.WriteAsync("No connection with that id; negotiate a new one.");
            case var owner when owner == UserOf(context):
                return next(context);
            default:
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return context.Response.WriteAsync(Refusal);
        }
    }

    /// <summary>The user a request comes from, as the connection's owner is recorded: empty for a guest.</summary>
    private static string UserOf(HttpContext context) => ConnectionUser.NameGiven(context.User, context) ?? "";

    /// <summary>Lets SignalR answer the negotiate, then records who owns the connection its answer names.</summary>
    private async Task NegotiateAsync(HttpContext context)
    {
        // The answer is a small JSON document (the negotiate protocol): held in memory, read, then sent on.
        var body = context.Response.Body;
        using var answer = new MemoryStream();
        context.Response.Body = answer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        if (context.Response.StatusCode == StatusCodes.Status200OK && TokenIn(answer) is { } token)
        {
            owners.Negotiated(token, UserOf(context));
        }

        answer.Position = 0;
        await answer.CopyToAsync(body, context.RequestAborted);
    }

    /// <summary>The connection token of a negotiate answer (<c>connectionToken</c>; <c>connectionId</c> in version 0), or null.</summary>
    private static string? TokenIn(MemoryStream answer)
    {
        try
        {
            using var json = JsonDocument.Parse(answer.GetBuffer().AsMemory(0, (int)answer.Length));
            var root = json.RootElement;
            return root.TryGetProperty("connectionToken", out var token) || root.TryGetProperty("connectionId", out token) ? token.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
