using Chat.Server.History;
using Chat.Server.Operations;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>Sends what the history writer committed to every connected client.</summary>
internal sealed class HubPublisher(IHubContext<ChatHub, IChatClient> hub, ChatMetrics metrics) : IHistoryPublisher
{
    public Task PublishAsync(ChatMessage message)
    {
        metrics.Delivered(metrics.OpenConnections);
        return hub.Clients.All.ReceiveMessage(message);
    }

    public Task PublishClearedAsync() => hub.Clients.All.HistoryCleared();
}
