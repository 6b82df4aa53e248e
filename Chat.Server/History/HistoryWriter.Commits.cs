using Chat.Server.Operations;

namespace Chat.Server.History;

/// <summary>The writer's group commit of messages: one transaction per batch, resends answered, senders acked once durable.</summary>
public sealed partial class HistoryWriter
{
    private async Task CommitAsync(List<Pending> batch)
    {
        // A resend that arrives while its first send still waits here is answered with the first one's result.
        var unique = Unique(batch, out var positions, out var repeats);
        Appended[] stored;
        var started = clock.GetTimestamp();
        Volatile.Write(ref _committing, batch);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var sentAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
            stored = await store.AppendAsync([.. unique.Select(pending => pending.Message)], sentAt, _abandon.Token);
            metrics.Committed(stored.Length, clock.GetElapsedTime(started));
            CommitFailure = null;
        }
        catch (Exception exception) when (!_abandon.IsCancellationRequested)
        {
            Failed(exception, batch);
            return;
        }
        finally
        {
            Volatile.Write(ref _committing, null);
        }

        // Durable: ack the senders, then hand what is new to the clients (waiting while they are far behind).
        var results = new object?[batch.Count];
        for (var i = 0; i < unique.Count; i++)
        {
            results[positions[i]] = stored[i];
        }

        foreach (var (repeat, original) in repeats)
        {
            results[repeat] = ((Appended)results[original]!) with { IsNew = false };
        }

        Settle(batch, results, null);
        var fresh = Array.FindAll(stored, appended => appended.IsNew).Select(appended => appended.Message).ToArray();
        if (fresh.Length > 0)
        {
            await PublishAsync(() => publisher.PublishAsync(fresh), fresh[0].Id, fresh[^1].Id);
        }
    }

    /// <summary>
    /// The batch without later sends of a (user, client message id) it already holds: <paramref name="positions"/> gives
    /// each kept one's place in the batch, <paramref name="repeats"/> maps each one left out to the first.
    /// </summary>
    private static List<Pending> Unique(List<Pending> batch, out List<int> positions, out List<(int Repeat, int Original)> repeats)
    {
        repeats = [];
        positions = new List<int>(batch.Count);
        Dictionary<(string, string), int>? seen = null;
        var unique = new List<Pending>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Message.ClientMessageId is { } id)
            {
                seen ??= [];
                if (seen.TryGetValue((batch[i].Message.User, id), out var original))
                {
                    repeats.Add((i, original));
                    continue;
                }

                seen[(batch[i].Message.User, id)] = i;
            }

            unique.Add(batch[i]);
            positions.Add(i);
        }

        return unique;
    }
}
