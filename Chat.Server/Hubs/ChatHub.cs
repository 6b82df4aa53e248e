using Chat.Server.Commands;
using Chat.Server.Configuration;
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
internal sealed class ChatHub(
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
    public async Task<ChatMessage?> SendToRoom(string? room, string? text, string? clientMessageId)
    {
        var user = Named();
        var key = RoomNames.Resolve(room, user);
        rules.CheckText(text);
        MessageRules.CheckClientMessageId(clientMessageId);
        await RequireMemberAsync(user, key);
        if (Conversation.IsDirect(key))
        {
            await RequireRoomForDirectAsync(user, key);
        }

        return await SendAsync(key, user, text!, clientMessageId);
    }

    /// <summary>The latest <paramref name="limit"/> messages of <c>general</c>, or those after <paramref name="afterId"/>; oldest first.</summary>
    public Task<ChatMessage[]> GetHistory(long? afterId, int limit)
    {
        MessageRules.CheckHistoryLimit(limit);
        return store.GetAsync(Conversation.General, afterId, limit, Context.ConnectionAborted);
    }

    /// <summary>As <see cref="GetHistory"/>, for one conversation of the caller's.</summary>
    public async Task<ChatMessage[]> GetRoomHistory(string? room, long? afterId, int limit)
    {
        var user = ConnectionUser.Of(Context);
        var key = RoomNames.Resolve(room, user);
        MessageRules.CheckHistoryLimit(limit);
        await RequireMemberAsync(user, key);
        return Viewed(await store.GetAsync(key, afterId, limit, Context.ConnectionAborted), user);
    }

    /// <summary>The <paramref name="limit"/> messages of one of the caller's conversations just before <paramref name="beforeId"/>, oldest first: scrolling back.</summary>
    public async Task<ChatMessage[]> GetRoomHistoryBefore(string? room, long beforeId, int limit)
    {
        var user = ConnectionUser.Of(Context);
        var key = RoomNames.Resolve(room, user);
        MessageRules.CheckHistoryLimit(limit);
        await RequireMemberAsync(user, key);
        return Viewed(await store.GetBeforeAsync(key, beforeId, limit, Context.ConnectionAborted), user);
    }

    /// <summary>Every message after <paramref name="afterId"/> in <c>general</c> and the caller's conversations, oldest first.</summary>
    public async Task<ChatMessage[]> GetMissedMessages(long? afterId, int limit)
    {
        MessageRules.CheckHistoryLimit(limit);
        if (ConnectionUser.Of(Context) is not { } user)
        {
            return await store.GetAsync(Conversation.General, afterId, limit, Context.ConnectionAborted);
        }

        // Besides the messages it may return (charged by the filter), the call walks each of the user's conversations.
        var conversations = await store.ConversationsOfAsync(user, Context.ConnectionAborted);
        await budgets.ChargeReadsAsync(Context, conversations.Length);
        return Viewed(await store.GetMissedAsync([Conversation.General, .. conversations], afterId, limit, Context.ConnectionAborted), user);
    }

    /// <summary>The caller's conversations with their newest id and unread count: <c>general</c> first.</summary>
    public async Task<RoomSummary[]> GetRooms()
    {
        var user = ConnectionUser.Of(Context);
        if (user is not null)
        {
            // One read per conversation, before the work.
            await budgets.ChargeReadsAsync(Context, (await store.ConversationsOfAsync(user, Context.ConnectionAborted)).Length);
        }

        var summaries = await store.SummariesAsync(user ?? "", Context.ConnectionAborted);
        return user is null
            ? [summaries[0] with { Unread = 0 }]
            : [.. summaries.Select(summary => summary with { Room = Conversation.ForViewer(summary.Room, user) })];
    }

    /// <summary>Every room but <c>general</c>, with its member count, by name.</summary>
    public Task<RoomListing[]> ListRooms() => store.ListRoomsAsync(Context.ConnectionAborted);

    /// <summary>The members of a room the caller is in (<c>general</c>: who is online; a direct conversation: its two users).</summary>
    public async Task<string[]> GetRoomMembers(string? room)
    {
        var user = ConnectionUser.Of(Context);
        var key = RoomNames.Resolve(room, user);
        if (key == Conversation.General)
        {
            return await presence.OnlineUsersAsync();
        }

        if (Conversation.TryParseDirect(key, out var first, out var second))
        {
            return first == second ? [first] : [first, second];
        }

        await RequireMemberAsync(user, key);
        return await store.MembersAsync(key, Context.ConnectionAborted);
    }

    /// <summary>Makes the caller's user a member of a room (created if new), on every connection and node.</summary>
    public async Task<RoomSummary> JoinRoom(string? room)
    {
        var user = Named();
        if (room is ['@', .. var peer])
        {
            throw new InputRejectedException("direct_join", $"Direct conversations need no join: send to @{peer}.");
        }

        var key = RoomNames.Room(room);
        if (key != Conversation.General)
        {
            var limits = roomOptions.Value;
            switch (await memberships.JoinAsync(user, key))
            {
                case JoinOutcome.TooManyForUser:
                    throw new InputRejectedException(
                        "too_many_rooms", $"You are in {limits.MaxPerUser} rooms, the most allowed (Chat:Rooms:MaxPerUser); leave one first.");
                case JoinOutcome.TooManyRooms:
                    throw new InputRejectedException(
                        "too_many_rooms_on_server", $"This server has {limits.MaxRooms} rooms, the most allowed (Chat:Rooms:MaxRooms); join an existing one.");
                case JoinOutcome.TooManyCreated:
                    throw new InputRejectedException(
                        "too_many_rooms_created",
                        $"You created {limits.CreatePerUserPerDay} rooms in the last 24 hours, the most allowed (Chat:Rooms:CreatePerUserPerDay); join an existing room, or create this one tomorrow.");
                case JoinOutcome.Joined:
                    dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserJoinedRoom), key, user);
                    break;
            }
        }

        return await store.SummaryAsync(user, key, Context.ConnectionAborted) ?? new RoomSummary(key, null, 0);
    }

    /// <summary>Ends the caller's user's membership of a room, on every connection and node.</summary>
    public async Task LeaveRoom(string? room)
    {
        var user = Named();
        if (room is ['@', ..])
        {
            throw new InputRejectedException("direct_leave", "Direct conversations cannot be left.");
        }

        var key = RoomNames.Room(room);
        if (key == Conversation.General)
        {
            throw new InputRejectedException("leave_general", "Everyone is in #general; it cannot be left.");
        }

        if (await memberships.LeaveAsync(user, key))
        {
            dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserLeftRoom), key, user);
            dispatcher.Send(Audience.User(user), nameof(IChatClient.UserLeftRoom), key, user);
        }
    }

    /// <summary>Moves the caller's read marker in a conversation forward; the user's connections hear where it is now.</summary>
    public async Task MarkRead(string? room, long id)
    {
        var user = ConnectionUser.Of(Context);
        var key = RoomNames.Resolve(room, user);
        if (user is null)
        {
            return; // a guest has no marker to keep
        }

        await RequireMemberAsync(user, key);
        var marker = await writer.MarkReadAsync(new ReadMark(user, key, id));
        await Clients.User(user).RoomRead(Conversation.ForViewer(key, user), marker);
    }

    /// <summary>Tells the conversation's other users that the caller is typing; at most once per user and conversation per <see cref="TypingThrottle.Interval"/>.</summary>
    public async Task Typing(string? room)
    {
        var user = ConnectionUser.Of(Context);
        var key = RoomNames.Resolve(room, user);
        if (user is null)
        {
            return; // a guest has no name to show
        }

        await RequireMemberAsync(user, key);
        if (typing.TryPass(user, key))
        {
            dispatcher.Send(Audience.Conversation(key, exceptUser: user), nameof(IChatClient.UserTyping), key, user);
        }
    }

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

    private async Task<ChatMessage?> SendAsync(string key, string sender, string text, string? clientMessageId)
    {
        var command = ChatCommands.Parse(text, out var message);
        if (command is null)
        {
            var appended = await writer.AppendAsync(new NewMessage(key, sender, message, clientMessageId));
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

                if (!ConnectionUser.IsSignedIn(Context) && !messageOptions.Value.AllowClearWithoutSignIn)
                {
                    throw new InputRejectedException(
                        "clear_refused",
                        "/clear is off on this server: without sign-in anyone could delete everyone's history. An operator can allow it with Chat:AllowClearWithoutSignIn.");
                }

                await writer.ClearAsync(key);
                break;
        }

        return null;
    }

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
