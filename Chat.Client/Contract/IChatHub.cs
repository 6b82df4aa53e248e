namespace Chat.Client;

/// <summary>
/// The hub's methods (client → server) at <c>/hubs/chat</c>; their names are the wire names. The server's hub
/// implements this interface, so a method renamed here is renamed everywhere. Rules and errors: docs/hub-contract.md.
/// </summary>
public interface IChatHub
{
    /// <summary>Stores a message in <c>general</c> (or runs a command) and sends it to everyone; returns it once committed (null for a command).</summary>
    Task<ChatMessage?> SendMessage(string? text, string? user);

    /// <summary>Stores a message in a conversation under the caller's name; the same client message id again returns the first message.</summary>
    Task<ChatMessage?> SendToRoom(string? room, string? text, string? clientMessageId);

    /// <summary>
    /// Stores a message in a conversation under the caller's name, as <see cref="SendToRoom"/>, optionally answering another
    /// message of it (<see cref="MessageDraft.ReplyTo"/>); returns it once committed (null for a command).
    /// </summary>
    Task<ChatMessage?> Post(string? room, MessageDraft? draft);

    /// <summary>Replaces the text of the caller's own message; returns the message as it is now.</summary>
    Task<ChatMessage> EditMessage(string? room, long id, string? text);

    /// <summary>Deletes a message: the author's own, or any for an admin or the room's moderators; deleting again changes nothing.</summary>
    Task DeleteMessage(string? room, long id);

    /// <summary>Adds the caller's reaction (one emoji) to a message; adding it again changes nothing.</summary>
    Task AddReaction(string? room, long id, string? emoji);

    /// <summary>Takes the caller's reaction off a message; removing one that is not there changes nothing.</summary>
    Task RemoveReaction(string? room, long id, string? emoji);

    /// <summary><c>general</c>'s latest <paramref name="limit"/> messages, or those after <paramref name="afterId"/>; oldest first.</summary>
    Task<ChatMessage[]> GetHistory(long? afterId, int limit);

    /// <summary>As <see cref="GetHistory"/>, for one conversation of the caller's.</summary>
    Task<ChatMessage[]> GetRoomHistory(string? room, long? afterId, int limit);

    /// <summary>The <paramref name="limit"/> messages of a conversation just before <paramref name="beforeId"/>, oldest first.</summary>
    Task<ChatMessage[]> GetRoomHistoryBefore(string? room, long beforeId, int limit);

    /// <summary>
    /// Every message and change after position <paramref name="afterId"/> in the caller's conversations, in position order
    /// (each changed message once, in its current state): the catch-up after a reconnect. The next call starts from the
    /// highest <see cref="ChatMessage.Position"/> received.
    /// </summary>
    Task<ChatMessage[]> GetMissedMessages(long? afterId, int limit);

    /// <summary>
    /// The newest <paramref name="limit"/> (1 to 100) messages that contain every word of <paramref name="query"/> (the last one also
    /// as a prefix; <c>"a phrase"</c>; <c>from:NAME</c>; <c>in:#room</c> or <c>in:@user</c>), accents and case ignored, in
    /// <paramref name="room"/> or (null) every conversation the caller can read; newest first, with where the words are.
    /// </summary>
    Task<SearchHit[]> SearchMessages(string? query, string? room, int limit);

    /// <summary>The caller's conversations, <c>general</c> first, with their newest id and unread count.</summary>
    Task<RoomSummary[]> GetRooms();

    /// <summary>Every room but <c>general</c>, with its member count, by name.</summary>
    Task<RoomListing[]> ListRooms();

    /// <summary>The members of a room the caller is in (<c>general</c>: who is online).</summary>
    Task<string[]> GetRoomMembers(string? room);

    /// <summary>Makes the caller's user a member of a room, created if new.</summary>
    Task<RoomSummary> JoinRoom(string? room);

    /// <summary>Ends the caller's user's membership of a room.</summary>
    Task LeaveRoom(string? room);

    /// <summary>Creates a new room (public or private, with a topic) with the caller as its owner and only member.</summary>
    Task<RoomSummary> CreateRoom(string? room, RoomSettings? settings);

    /// <summary>An owner or moderator lets a user join the room (needed for a private room); the user hears of it.</summary>
    Task InviteToRoom(string? room, string? user);

    /// <summary>An owner gives a member of the room a role: <c>owner</c>, <c>moderator</c> or <c>member</c>.</summary>
    Task SetRoomRole(string? room, string? user, string? role);

    /// <summary>An owner sets the room's topic (null or empty: none).</summary>
    Task SetRoomTopic(string? room, string? topic);

    /// <summary>An owner or moderator takes a member out of the room; they may join again (a private room: when invited again).</summary>
    Task KickFromRoom(string? room, string? user);

    /// <summary>An owner or moderator takes a user out of the room and keeps them out for <paramref name="minutes"/> (null: until lifted).</summary>
    Task BanFromRoom(string? room, string? user, int? minutes);

    /// <summary>An owner or moderator lifts a ban.</summary>
    Task UnbanFromRoom(string? room, string? user);

    /// <summary>
    /// An owner or moderator keeps a user from posting, editing and reacting in the room for <paramref name="minutes"/>
    /// (null: until lifted; 0: lifts the mute).
    /// </summary>
    Task MuteInRoom(string? room, string? user, int? minutes);

    /// <summary>For the room's owners and moderators: its moderation acts before <paramref name="beforeId"/> (null: the newest), newest first.</summary>
    Task<ModerationEntry[]> GetModerationLog(string? room, long? beforeId, int limit);

    /// <summary>Moves the caller's read marker in a conversation forward.</summary>
    Task MarkRead(string? room, long id);

    /// <summary>Tells the conversation's other members that the caller is typing.</summary>
    Task Typing(string? room);

    /// <summary>Users with at least one open connection, ordinal order.</summary>
    Task<string[]> GetOnlineUsers();

    /// <summary>
    /// Up to 500 users whose arrivals and departures this connection wants to hear of even when the server has too many users
    /// online to tell everyone (replaces its earlier list); returns the online ones among them.
    /// </summary>
    Task<string[]> WatchUsers(string[]? users);
}
