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
    private const string ItemKey = "chat.user";

    /// <summary>The connection's user name, or null for a guest (no name given).</summary>
    public static string? Of(HubCallerContext context)
    {
        if (context.Items.TryGetValue(ItemKey, out var known))
        {
            return (string?)known;
        }

        var name = IsSignedIn(context)
            ? context.User!.FindFirst(ChatTokens.NameClaim)?.Value ?? ""
            : context.GetHttpContext()?.Request.Query["user"].ToString();
        string? user = null;
        if (!string.IsNullOrEmpty(name))
        {
            MessageRules.CheckUser(name);
            user = name;
        }

        context.Items[ItemKey] = user;
        return user;
    }

    /// <summary>True when the connection came with a valid token (auth is on).</summary>
    public static bool IsSignedIn(HubCallerContext context) => context.User?.Identity?.IsAuthenticated == true;

    public static bool IsAdmin(HubCallerContext context) => context.User?.IsInRole(ChatTokens.AdminRole) == true;
}
