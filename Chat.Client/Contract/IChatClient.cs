namespace Chat.Client;

/// <summary>The methods the server calls on clients (server → client); their names are the wire names.</summary>
public interface IChatClient
{
    /// <summary>A message was committed; every client receives them in id order.</summary>
    Task ReceiveMessage(ChatMessage message);

    /// <summary>
    /// A message was edited, deleted or reacted to: its whole current state, with its <see cref="ChatMessage.Version"/>.
    /// Replace the shown message of that id when the version is higher than what is shown (show it when it is not shown).
    /// </summary>
    Task MessageUpdated(ChatMessage message);

    /// <summary>A user opened their first connection.</summary>
    Task UserJoined(string user);

    /// <summary>A user's last connection closed.</summary>
    Task UserLeft(string user);

    /// <summary><c>general</c>'s history was cleared.</summary>
    Task HistoryCleared();

    /// <summary>A reply to the caller alone (<c>/help</c>, <c>/who</c>).</summary>
    Task Notice(string text);

    Task UserJoinedRoom(string room, string user);

    Task UserLeftRoom(string room, string user);

    /// <summary>A conversation's history was cleared.</summary>
    Task RoomCleared(string room);

    /// <summary>The user's read marker in a conversation is now at <paramref name="id"/>.</summary>
    Task RoomRead(string room, long id);

    /// <summary>Someone is typing in a conversation (shown for a few seconds).</summary>
    Task UserTyping(string room, string user);

    /// <summary>
    /// A room's topic or privacy, or the user's role in it, changed: <see cref="RoomSummary.Private"/>, <see cref="RoomSummary.Topic"/> and
    /// <see cref="RoomSummary.Role"/> are as they are now for this user; <see cref="RoomSummary.LastId"/> and the counts are not part of
    /// the change (null and 0): keep your own.
    /// </summary>
    Task RoomChanged(RoomSummary summary);
}
