using Chat.Server.History;
using Chat.Server.Operations;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Hubs;

/// <summary>Sends what the history writer committed to every connected client.</summary>
internal sealed class HubPublisher(IHubContext<ChatHub, IChatClient> hub, ChatMetrics metrics) : IHistoryPublisher
{
    /// <summary>About how many bytes of messages one connection is given before it is flushed.</summary>
    public const int CoalesceBytes = 32 * 1024;

    public async Task PublishAsync(IReadOnlyList<ChatMessage> batch)
    {
        // Each connection gets a run of messages (up to about CoalesceBytes) with one flush (see
        // WriteCoalescing), so several messages leave in one frame without any connection holding a
        // large part of a big batch at once. A run of one message needs no scope: each connection is
        // flushed as soon as it is written. Writes that cannot finish at once (a connection busy with
        // another write) complete later, in order.
        List<Task>? pending = null;
        for (var start = 0; start < batch.Count;)
        {
            var end = start + 1;
            var bytes = Size(batch[start]);
            while (end < batch.Count && (bytes += Size(batch[end])) <= CoalesceBytes)
            {
                end++;
            }

            var flushed = Task.CompletedTask;
            using (var scope = end - start > 1 ? WriteCoalescing.Begin() : null)
            {
                for (var i = start; i < end; i++)
                {
                    metrics.Delivered(metrics.OpenConnections);
                    var sending = Send(batch[i]);
                    if (!sending.IsCompletedSuccessfully)
                    {
                        (pending ??= []).Add(sending);
                    }
                }

                flushed = scope?.Complete() ?? Task.CompletedTask;
            }

            // Clients that are full get a moment to make room before the next run (the guard bounds it).
            await flushed;
            start = end;
        }

        if (pending is not null)
        {
            await Task.WhenAll(pending);
        }
    }

    public Task PublishClearedAsync() => hub.Clients.All.HistoryCleared();

    /// <summary>Roughly what one message takes on the wire (JSON, mostly ASCII).</summary>
    private static int Size(ChatMessage message) => message.Text.Length + message.User.Length + 100;

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
