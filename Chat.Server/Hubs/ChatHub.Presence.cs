using Chat.Server.Configuration;
using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Presence;
using Chat.Server.Rules;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>The hub's presence: who is online, and whom a connection watches.</summary>
internal sealed partial class ChatHub
{
    public async Task<string[]> GetOnlineUsers() => await presence.OnlineUsersAsync();

    /// <summary>The users whose arrivals and departures this connection hears even above the broadcast limit (replacing its list); returns the online ones.</summary>
    public async Task<string[]> WatchUsers(string[]? users)
    {
        users ??= [];
        if (users.Length > Watchers.MaxPerConnection)
        {
            throw new InputRejectedException(
                "too_many_watched", $"A connection may watch at most {Watchers.MaxPerConnection} users; this list has {users.Length}. Watch the ones on screen.");
        }

        var names = users.Select(UserNames.Normalize).Distinct(StringComparer.Ordinal).ToArray();
        if (connections.Find(Context.ConnectionId) is { } outbox)
        {
            watchers.Watch(outbox, names);
        }

        return await presence.OnlineAmongAsync(names);
    }
}
