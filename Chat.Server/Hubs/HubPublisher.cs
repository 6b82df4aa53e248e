using Chat.Server.History;
using Chat.Server.Operations;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>Sends what the history writer committed to every connected client.</summary>
internal sealed class HubPublisher(IHubContext<ChatHub, IChatClient> hub, ChatMetrics metrics) : IHistoryPublisher
{
    public async Task PublishAsync(IReadOnlyList<ChatMessage> batch)
    {
        // Several messages: each connection gets them all with one flush (see WriteCoalescing). One
        // message: each connection is flushed as soon as it is written, so the first ones need not wait
        // for the last. Writes that cannot finish at once (a connection busy with another write)
        // complete later, in order.
        List<Task>? pending = null;
        using (batch.Count > 1 ? WriteCoalescing.Begin() : null)
        {
            foreach (var message in batch)
            {
                metrics.Delivered(metrics.OpenConnections);
                var sending = Send(message);
                if (!sending.IsCompletedSuccessfully)
                {
                    (pending ??= []).Add(sending);
                }
            }
        }

        if (pending is not null)
        {
            await Task.WhenAll(pending);
        }
    }

    public Task PublishClearedAsync() => hub.Clients.All.HistoryCleared();

    private Task Send(ChatMessage message)
    {
        try
        {
            return hub.Clients.All.ReceiveMessage(message);
        }
        catch (Exception exception)
        {
            return Task.FromException(exception);
        }
    }
}
