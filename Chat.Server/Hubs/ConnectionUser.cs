using System.Security.Claims;
using Chat.Server.Rules;
using Chat.Server.Security;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>
/// The user a connection speaks for: the token's <c>name</c> when auth is on, otherwise <c>?user=NAME</c>
/// on the hub URL (ignored when auth is on).
/// </summary>
internal static class ConnectionUser
{
    /// <summary>The connection's user name, or null for a guest (no name given). Throws for a name the rules refuse.</summary>
    public static string? Of(HubCallerContext context)
    {
        var state = ChatConnectionState.Of(context);
        if (!state.UserKnown)
        {
            var name = NameGiven(context.User, context.GetHttpContext());
            state.User = string.IsNullOrEmpty(name) ? null : UserNames.Normalize(name);
            state.UserKnown = true;
        }

        return state.User;
    }

    /// <summary>Why the rules refuse the name a new connection gives, or null when they take it (or it gives none).</summary>
    public static InputRejectedException? Refusal(HubConnectionContext connection)
    {
        if (NameGiven(connection.User, connection.GetHttpContext()) is not { Length: > 0 } name)
        {
            return null;
        }

        try
        {
            UserNames.Normalize(name);
            return null;
        }
        catch (InputRejectedException refusal)
        {
            return refusal;
        }
    }

    /// <summary>The name a connection gives, unchecked: the token's when signed in, else <c>?user=</c>; null or empty for a guest.</summary>
    public static string? NameGiven(ClaimsPrincipal? user, HttpContext? http) =>
        user?.Identity?.IsAuthenticated == true
            ? user.FindFirst(ChatTokens.NameClaim)?.Value
            : http?.Request.Query["user"].ToString();

    /// <summary>True when the connection came with a valid token (auth is on).</summary>
    public static bool IsSignedIn(HubCallerContext context) => context.User?.Identity?.IsAuthenticated == true;

    public static bool IsAdmin(HubCallerContext context) => context.User?.IsInRole(ChatTokens.AdminRole) == true;
}

/// <summary>SignalR's user id (for <c>Clients.User</c>) is the chat's user name; guests have none.</summary>
internal sealed class ChatUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection)
    {
        if (ConnectionUser.NameGiven(connection.User, connection.GetHttpContext()) is not { Length: > 0 } name)
        {
            return null;
        }

        try
        {
            return UserNames.Normalize(name);
        }
        catch (InputRejectedException)
        {
            return null; // OnConnectedAsync refuses the connection, saying why
        }
    }
}

/// <summary>
/// What the chat remembers about one connection. Kept as a connection feature rather than in
/// <see cref="HubCallerContext.Items"/>, whose concurrent dictionary would cost every idle connection more.
/// </summary>
internal sealed class ChatConnectionState
{
    /// <summary>The user name, once <see cref="UserKnown"/>; null for a guest.</summary>
    public string? User { get; set; }

    public bool UserKnown { get; set; }

    /// <summary>The connection finished connecting and is counted in the metrics.</summary>
    public bool Counted { get; set; }

    /// <summary>The rules refused the name it gave: it was closed at connect, and no hub code runs for it.</summary>
    public bool Refused { get; set; }

    public static ChatConnectionState Of(HubCallerContext context) => Of(context.Features);

    public static ChatConnectionState Of(HubConnectionContext connection) => Of(connection.Features);

    private static ChatConnectionState Of(Microsoft.AspNetCore.Http.Features.IFeatureCollection features)
    {
        if (features.Get<ChatConnectionState>() is { } state)
        {
            return state;
        }

        state = new ChatConnectionState();
        features.Set(state);
        return state;
    }
}
