using Chat.Server.Operations;

namespace Chat.Server.History;

/// <summary>The writer's group commit of messages and changes: one transaction per batch, resends answered, senders acked once durable.</summary>
public sealed partial class HistoryWriter
{
    private async Task CommitAsync(List<Pending> batch)
    {
        // A resend that arrives while its first send still waits here is answered with the first one's result.
        var changes = batch.Where(pending => pending.Work == Work.Change).ToList();
        var unique = Unique([.. batch.Where(pending => pending.Work == Work.Append)], out var positions, out var repeats);
        Committed stored;
        var started = clock.GetTimestamp();
        Volatile.Write(ref _committing, batch);
        try
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var sentAt = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMillisecond));
            stored = await store.CommitAsync([.. unique.Select(pending => pending.Message)], [.. changes.Select(pending => pending.Change)], sentAt, _abandon.Token);
            metrics.Committed(stored.Appended.Length + stored.Changes.Length, clock.GetElapsedTime(started));
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

        var appended = store.IndexesSearchLater ? stored.Appended.Count(appended => appended.IsNew) : 0;
        if (appended > 0)
        {
            _unindexedSince = _unindexed == 0 ? clock.GetTimestamp() : _unindexedSince;
            _unindexed += appended;
        }

        // Durable: ack the senders, then hand what is new to the clients (waiting while they are far behind).
        var appends = positions.Count + repeats.Count;
        var results = new object?[appends];
        for (var i = 0; i < unique.Count; i++)
        {
            results[positions[i]] = stored.Appended[i];
        }

        foreach (var (repeat, original) in repeats)
        {
            results[repeat] = ((Appended)results[original]!) with { IsNew = false };
        }

        Settle([.. batch.Where(pending => pending.Work == Work.Append), .. changes], [.. results, .. stored.Changes.Select(change => (object?)change)], null);

        // Messages took their ids before the changes took their positions: in this order, the list is in position order.
        var fresh = stored.Appended.Where(appended => appended.IsNew).Select(appended => appended.Message)
            .Concat(stored.Changes.Where(change => change.Outcome == ChangeOutcome.Changed).Select(change => change.Message!))
            .ToArray();
        if (fresh.Length > 0)
        {
            await PublishAsync(() => publisher.PublishAsync(fresh), fresh[0].Position(), fresh[^1].Position());
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
