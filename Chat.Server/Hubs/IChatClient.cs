using Chat.Server.History;

namespace Chat.Server.Hubs;

/// <summary>The methods the server calls on clients (SPEC sections 3 and 11).</summary>
public interface IChatClient
{
    Task ReceiveMessage(ChatMessage message);

    Task UserJoined(string user);

    Task UserLeft(string user);

    Task HistoryCleared();

    Task Notice(string text);

    Task UserJoinedRoom(string room, string user);

    Task UserLeftRoom(string room, string user);

    Task RoomCleared(string room);

    Task RoomRead(string room, long id);

    Task UserTyping(string room, string user);
}
