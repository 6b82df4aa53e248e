using Chat.Server.History;

namespace Chat.Server.Files;

/// <summary>
/// Removes the files no one may read any more (SPEC section 14), from the store and then from storage: uploads never attached
/// within <see cref="UnattachedFor"/>, files of deleted messages, and files of messages cleared (<c>/clear</c>, retention, a
/// removed room). Then it removes stored bytes that have had no row for as long (an upload cut short by a crash, a removal
/// whose second half failed). Run by <see cref="HistoryMaintenance"/>; on a cluster every node does it, and doing it twice
/// changes nothing.
/// </summary>
public sealed partial class FileSweep(HistoryWriter writer, IHistoryStore store, IFileStorage storage, ILogger<FileSweep> logger)
{
    /// <summary>How long an upload may wait to be attached, and how long bytes without a row are left alone (an upload under way).</summary>
    public static readonly TimeSpan UnattachedFor = TimeSpan.FromHours(24);

    /// <summary>Ids looked up in the store at once while sweeping storage.</summary>
    private const int LookupBatch = 500;

    /// <summary>One round, as if it were <paramref name="now"/>.</summary>
    public async Task RunOnceAsync(DateTime now, CancellationToken cancellationToken)
    {
        var forgotten = await writer.RunAsync((history, token) => history.ForgetFilesAsync(now - UnattachedFor, token));
        foreach (var id in forgotten)
        {
            await storage.DeleteAsync(id, cancellationToken);
        }

        var orphans = 0;
        var candidates = new List<string>(LookupBatch);
        await foreach (var (id, writtenAt) in storage.ListAsync(cancellationToken))
        {
            if (writtenAt < now - UnattachedFor)
            {
                candidates.Add(id);
            }

            if (candidates.Count == LookupBatch)
            {
                orphans += await RemoveOrphansAsync(candidates, cancellationToken);
            }
        }

        orphans += await RemoveOrphansAsync(candidates, cancellationToken);
        if (forgotten.Length + orphans > 0)
        {
            LogRemoved(forgotten.Length, orphans);
        }
    }

    /// <summary>Removes the bytes of those of <paramref name="ids"/> the store has no row for; empties the list.</summary>
    private async Task<int> RemoveOrphansAsync(List<string> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return 0;
        }

        var known = (await store.FindFilesAsync(ids, cancellationToken)).Select(file => file.File.Id).ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        foreach (var id in ids.Distinct(StringComparer.Ordinal).Where(id => !known.Contains(id)))
        {
            await storage.DeleteAsync(id, cancellationToken);
            removed++;
        }

        ids.Clear();
        return removed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Forgotten} files no one may read any more, and the bytes of {Orphans} uploads without a record")]
    private partial void LogRemoved(int forgotten, int orphans);
}
