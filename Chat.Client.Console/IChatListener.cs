namespace Chat.Client.Console;

/// <summary>What the hub and the connection tell a client (SPEC sections 3 and 11); each method does nothing unless implemented.</summary>
internal interface IChatListener
{
    void MessageReceived(ChatMessage message)
    {
    }

    void UserJoined(string user)
    {
    }

    void UserLeft(string user)
    {
    }

    void Notice(string text)
    {
    }

    void HistoryCleared()
    {
    }

    void UserJoinedRoom(string room, string user)
    {
    }

    void UserLeftRoom(string room, string user)
    {
    }

    void RoomCleared(string room)
    {
    }

    void Reconnecting(Exception? error)
    {
    }

    Task ReconnectedAsync() => Task.CompletedTask;

    void Closed(Exception? error)
    {
    }
}
