using Chat.Server.Commands;
using Chat.Server.History;
using Chat.Server.Presence;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>The chat hub at <c>/hubs/chat</c>: checks input, hands it to the history writer and presence.</summary>
public sealed class ChatHub(HistoryWriter writer, IHistoryStore store, IPresence presence, MessageRules rules) : Hub<IChatClient>
{
    public override async Task OnConnectedAsync()
    {
        if (ConnectionUser.Of(Context) is { } user && await presence.ConnectedAsync(user, Context.ConnectionId))
        {
            await Clients.All.UserJoined(user);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (ConnectionUser.Of(Context) is { } user && await presence.DisconnectedAsync(user, Context.ConnectionId))
        {
            await Clients.All.UserLeft(user);
        }
    }

    /// <summary>Stores and broadcasts a message, or runs a command. Returns the committed message, or null for a command.</summary>
    public async Task<ChatMessage?> SendMessage(string? text, string? user)
    {
        rules.CheckText(text);
        MessageRules.CheckUser(user);
        if (ConnectionUser.IsSignedIn(Context) && ConnectionUser.Of(Context) is var signedInAs && !string.Equals(user, signedInAs, StringComparison.Ordinal))
        {
            throw new InputRejectedException("wrong_user", $"You are signed in as {signedInAs}; send messages under that name.");
        }

        var command = ChatCommands.Parse(text!, out var message);
        if (command is null)
        {
            return await writer.AppendAsync(new NewMessage(user!, message));
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

                await writer.ClearAsync();
                break;
        }

        return null;
    }

    /// <summary>The latest <paramref name="limit"/> messages, or those after <paramref name="afterId"/>; oldest first.</summary>
    public Task<ChatMessage[]> GetHistory(long? afterId, int limit)
    {
        MessageRules.CheckHistoryLimit(limit);
        return store.GetAsync(afterId, limit, Context.ConnectionAborted);
    }

    public async Task<string[]> GetOnlineUsers() => await presence.OnlineUsersAsync();
}
