using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>The user a connection speaks for, taken from <c>?user=NAME</c> on the hub URL.</summary>
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

        var name = context.GetHttpContext()?.Request.Query["user"].ToString();
        string? user = null;
        if (!string.IsNullOrEmpty(name))
        {
            MessageRules.CheckUser(name);
            user = name;
        }

        context.Items[ItemKey] = user;
        return user;
    }
}
