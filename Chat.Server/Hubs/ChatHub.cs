using Chat.Server.Commands;
using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Presence;
using Chat.Server.Rooms;
using Chat.Server.Rules;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>
/// The chat hub at <c>/hubs/chat</c>: checks input, hands it to the history writer, presence and memberships.
/// Conversations are named as clients see them (<c>general</c>, <c>dev</c>, <c>@bob</c>) and resolved to the
/// store's keys (<see cref="Conversation"/>); every message and event goes back out as its receiver sees it.
/// </summary>
internal sealed partial class ChatHub(
    HistoryWriter writer,
    IHistoryStore store,
    IPresence presence,
    PresenceAnnouncer announcer,
    Memberships memberships,
    Dispatcher dispatcher,
    ConnectionRegistry connections,
    Watchers watchers,
    MessageRules rules,
    CallBudgets budgets,
    TypingThrottle typing,
    RoomRulesCache roomRules,
    TimeProvider clock,
    IOptions<MessageOptions> messageOptions,
    IOptions<RoomOptions> roomOptions) : Hub<IChatClient>, IChatHub
{
    public override async Task OnConnectedAsync()
    {
        if (ConnectionUser.Of(Context) is not { } user)
        {
            return;
        }

        // Before the connection's first call is answered, it is in every room of its user.
        await memberships.LoadAsync(user, Context.ConnectionAborted);

        // Whoever connected can be mentioned in general (the store remembers whom it wrote: one write per user, not per connection).
        if (!store.KnowsUser(user))
        {
            await writer.RunAsync(async (history, cancellationToken) =>
            {
                await history.RememberUserAsync(user, cancellationToken);
                return true;
            });
        }
        if (await presence.ConnectedAsync(user, Context.ConnectionId))
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

    /// <summary>Stores and broadcasts a message in <c>general</c>, or runs a command. Returns the committed message, or null for a command.</summary>
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

        return await SendAsync(Conversation.General, sender, text!, clientMessageId: null);
    }

    /// <summary>
    /// Stores and sends a message to one conversation under the caller's name, or runs a command there. The same
    /// <paramref name="clientMessageId"/> from the same user again returns the first message and stores nothing.
    /// </summary>
    public Task<ChatMessage?> SendToRoom(string? room, string? text, string? clientMessageId) => PostAsync(room, text, clientMessageId, replyTo: null);

    private async Task<ChatMessage?> SendAsync(string key, string sender, string text, string? clientMessageId, long? replyTo = null, ChatFile[]? files = null)
    {
        var command = ChatCommands.Parse(text, out var message);
        if (command is null)
        {
            var mentions = await MentionsAsync(key, message);
            var appended = await writer.AppendAsync(new NewMessage(key, sender, message, clientMessageId, replyTo, mentions, files));
            if (appended.FilesTaken)
            {
                throw FileTaken(null);
            }
            if (appended.Message.Room != key)
            {
                throw new InputRejectedException(
                    "client_message_id_reused",
                    "This clientMessageId was already used for a message in another conversation; give every message an id of its own (a new UUID).");
            }

            return Conversation.ForViewer(appended.Message, sender);
        }

        switch (command)
        {
            case ChatCommand.Help:
                await Clients.Caller.Notice(ChatCommands.HelpText(mayClear: ClearRefusal() is null));
                break;
            case ChatCommand.Who:
                var online = await presence.OnlineUsersAsync();
                await Clients.Caller.Notice(online.Length == 0 ? "Nobody is online under a name." : $"Online ({online.Length}): {string.Join(", ", online)}");
                break;
            case ChatCommand.Clear:
                if (ClearRefusal() is { } refusal)
                {
                    throw refusal;
                }

                await writer.ClearAsync(key);
                break;
        }

        return null;
    }

    private InputRejectedException? ClearRefusal() =>
        ChatCommands.ClearRefusal(ConnectionUser.IsSignedIn(Context), ConnectionUser.IsAdmin(Context), messageOptions.Value.AllowClearWithoutSignIn);

    /// <summary>The caller's name; throws for a guest, who can only use <c>general</c> through <see cref="SendMessage"/>.</summary>
    private string Named()
    {
        var user = ConnectionUser.Of(Context);
        RoomNames.RequireName(user);
        return user!;
    }

    /// <summary>A first message to a direct conversation starts it: refused when the sender has <c>Chat:Rooms:MaxDirectPerUser</c> already.</summary>
    private async Task RequireRoomForDirectAsync(string user, string key)
    {
        var max = roomOptions.Value.MaxDirectPerUser;
        if (!await store.IsMemberAsync(user, key, Context.ConnectionAborted) && await store.DirectCountAsync(user, Context.ConnectionAborted) >= max)
        {
            throw new InputRejectedException(
                "too_many_direct",
                $"You have {max} direct conversations, the most allowed (Chat:Rooms:MaxDirectPerUser); write in one of them instead of starting another.");
        }
    }

    private async Task RequireMemberAsync(string? user, string key)
    {
        if (key != Conversation.General && !await memberships.IsMemberAsync(user!, key, Context.ConnectionAborted))
        {
            throw new InputRejectedException("not_member", $"You are not in #{key}; join it first.");
        }
    }

    private static ChatMessage[] Viewed(ChatMessage[] messages, string? viewer)
    {
        for (var i = 0; i < messages.Length; i++)
        {
            messages[i] = Conversation.ForViewer(messages[i], viewer);
        }

        return messages;
    }
}
