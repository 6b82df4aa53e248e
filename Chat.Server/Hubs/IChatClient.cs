using Chat.Server.History;

namespace Chat.Server.Hubs;

/// <summary>The methods the server calls on clients (SPEC section 3).</summary>
public interface IChatClient
{
    Task ReceiveMessage(ChatMessage message);

    Task UserJoined(string user);

    Task UserLeft(string user);

    Task HistoryCleared();

    Task Notice(string text);
}
