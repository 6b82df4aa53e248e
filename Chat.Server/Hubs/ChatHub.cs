using Chat.Server.Commands;
using Chat.Server.Configuration;
using Chat.Server.History;
using Chat.Server.Presence;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>The chat hub at <c>/hubs/chat</c>: checks input, hands it to the history writer and presence.</summary>
public sealed class ChatHub(
    HistoryWriter writer, IHistoryStore store, IPresence presence, PresenceAnnouncer announcer, MessageRules rules, IOptions<ChatOptions> options) : Hub<IChatClient>
{
    public override async Task OnConnectedAsync()
    {
        if (ConnectionUser.Of(Context) is { } user && await presence.ConnectedAsync(user, Context.ConnectionId))
        {
            announcer.Joined(user);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (ConnectionUser.Of(Context) is { } user && await presence.DisconnectedAsync(user, Context.ConnectionId))
        {
            announcer.Left(user);
        }
    }

    /// <summary>Stores and broadcasts a message, or runs a command. Returns the committed message, or null for a command.</summary>
    public async Task<ChatMessage?> SendMessage(string? text, string? user)
    {
        rules.CheckText(text);
        var sender = UserNames.Normalize(user);

        // A connection with a name (its token's, or ?user= without sign-in) speaks only under it; a guest picks a display name.
        if (ConnectionUser.Of(Context) is { } own && !string.Equals(sender, own, StringComparison.Ordinal))
        {
            throw new InputRejectedException(
                "wrong_user",
                ConnectionUser.IsSignedIn(Context)
                    ? $"You are signed in as {own}; send messages under that name."
                    : $"You are connected as {own}; send messages under that name, or reconnect under another.");
        }

        var command = ChatCommands.Parse(text!, out var message);
        if (command is null)
        {
            return await writer.AppendAsync(new NewMessage(Rooms.Conversation.General, sender, message));
        }

        switch (command)
        {
            case ChatCommand.Help:
                await Clients.Caller.Notice(ChatCommands.HelpText);
                break;
            case ChatCommand.Who:
                var online = await presence.OnlineUsersAsync();
                await Clients.Caller.Notice(online.Length == 0 ? "Nobody is online under a name." : $"Online ({online.Length}): {string.Join(", ", online)}");
                break;
            case ChatCommand.Clear:
                if (ConnectionUser.IsSignedIn(Context) && !ConnectionUser.IsAdmin(Context))
                {
                    throw new InputRejectedException("not_admin", "Only admins can clear the history; ask one to run /clear.");
                }

                if (!ConnectionUser.IsSignedIn(Context) && !options.Value.AllowClearWithoutSignIn)
                {
                    throw new InputRejectedException(
                        "clear_refused",
                        "/clear is off on this server: without sign-in anyone could delete everyone's history. An operator can allow it with Chat:AllowClearWithoutSignIn.");
                }

                await writer.ClearAsync();
                break;
        }

        return null;
    }

    /// <summary>The latest <paramref name="limit"/> messages, or those after <paramref name="afterId"/>; oldest first.</summary>
    public Task<ChatMessage[]> GetHistory(long? afterId, int limit)
    {
        MessageRules.CheckHistoryLimit(limit);
        return store.GetAsync(Rooms.Conversation.General, afterId, limit, Context.ConnectionAborted);
    }

    public async Task<string[]> GetOnlineUsers() => await presence.OnlineUsersAsync();
}
