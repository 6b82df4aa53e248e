using Chat.Server.Configuration;
using Chat.Server.Delivery;
using Chat.Server.History;
using Chat.Server.Rooms;
using Chat.Server.Rules;
using Microsoft.Extensions.Options;

namespace Chat.Server.Hubs;

/// <summary>The hub's rooms: joining, leaving, members, read markers and typing.</summary>
internal sealed partial class ChatHub
{
    /// <summary>Every public room, and the private ones the caller is in or invited to (an admin: all), with its member count, by name.</summary>
    public Task<RoomListing[]> ListRooms() =>
        store.ListRoomsAsync(ConnectionUser.IsAdmin(Context) ? null : ConnectionUser.Of(Context) ?? "", Context.ConnectionAborted);

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
            var outcome = await memberships.JoinAsync(user, key, ConnectionUser.IsAdmin(Context));
            ThrowUnlessJoined(outcome, key);
            if (outcome == JoinOutcome.Joined)
            {
                dispatcher.Send(Audience.Conversation(key), nameof(IChatClient.UserJoinedRoom), key, user);
            }
        }

        return await SummaryAsync(user, key);
    }

    /// <summary>Throws the rule a join broke (<see cref="JoinOutcome"/>); returns for a join that was made or was there.</summary>
    private void ThrowUnlessJoined(JoinOutcome outcome, string key)
    {
        if (JoinRefusals.Reason(outcome) is { } reason)
        {
            throw new InputRejectedException(reason, JoinRefusals.Sentence(outcome, key, roomOptions.Value));
        }
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
        if ((await roomRules.GetAsync(key, Context.ConnectionAborted)).MutedUntil(user, Now()) is not null)
        {
            return; // a muted user's typing would announce a message they cannot send
        }

        if (typing.TryPass(user, key))
        {
            dispatcher.Send(Audience.Conversation(key, exceptUser: user), nameof(IChatClient.UserTyping), key, user);
        }
    }
}
