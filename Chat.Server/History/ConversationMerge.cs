namespace Chat.Server.History;

/// <summary>
/// The messages of several conversations in one id order, read lazily: a k-way merge over each conversation's
/// range of the (room, id) index. It probes each conversation once for its first id, then reads runs of the
/// conversation whose next id is smallest, each run ending where another conversation's begins, until
/// <c>limit</c> messages are in hand. So a page costs one probe per conversation plus the rows it returns (and a
/// probe per switch between conversations), never every conversation's page built and trimmed.
/// </summary>
internal static class ConversationMerge
{
    /// <summary>What a store reads for the merge, on one connection.</summary>
    public interface IRanges
    {
        /// <summary>
        /// For each conversation, its first message id after <paramref name="from"/> (or, <paramref name="newestFirst"/>,
        /// its last before it), or null when it has none.
        /// </summary>
        Task<long?[]> HeadsAsync(IReadOnlyList<string> rooms, long from, bool newestFirst, CancellationToken cancellationToken);

        /// <summary>
        /// Up to <paramref name="limit"/> messages of <paramref name="room"/> from id <paramref name="from"/> (included) up to
        /// <paramref name="to"/> (excluded), in id order; <paramref name="newestFirst"/>: down from <paramref name="from"/> to
        /// <paramref name="to"/>, newest first.
        /// </summary>
        Task<List<ChatMessage>> RangeAsync(string room, long from, long to, int limit, bool newestFirst, CancellationToken cancellationToken);
    }

    /// <summary>
    /// The first <paramref name="limit"/> messages after <paramref name="afterId"/> across <paramref name="rooms"/>, or with
    /// <paramref name="afterId"/> null the latest <paramref name="limit"/>; oldest first either way.
    /// </summary>
    public static async Task<ChatMessage[]> MergeAsync(IRanges ranges, IReadOnlyList<string> rooms, long? afterId, int limit, CancellationToken cancellationToken)
    {
        var newestFirst = afterId is null;
        var start = afterId ?? long.MaxValue;
        var end = newestFirst ? 0 : long.MaxValue;

        // The conversation whose next id comes first is dequeued first (newest first: the highest id).
        var next = new PriorityQueue<string, long>(rooms.Count);
        var heads = await ranges.HeadsAsync(rooms, start, newestFirst, cancellationToken);
        for (var i = 0; i < rooms.Count; i++)
        {
            if (heads[i] is { } head)
            {
                next.Enqueue(rooms[i], newestFirst ? -head : head);
            }
        }

        var merged = new List<ChatMessage>(Math.Min(limit, 512));
        while (merged.Count < limit && next.TryDequeue(out var room, out var key))
        {
            var head = newestFirst ? -key : key;
            var until = next.TryPeek(out _, out var other) ? (newestFirst ? -other : other) : end;
            var run = await ranges.RangeAsync(room, head, until, limit - merged.Count, newestFirst, cancellationToken);
            merged.AddRange(run);
            if (merged.Count >= limit || until == end)
            {
                continue;
            }

            // The run stopped where the next conversation begins: this one goes on from there, if it has more.
            var rest = await ranges.HeadsAsync([room], newestFirst ? until : until - 1, newestFirst, cancellationToken);
            if (rest[0] is { } resume)
            {
                next.Enqueue(room, newestFirst ? -resume : resume);
            }
        }

        if (newestFirst)
        {
            merged.Reverse();
        }

        return [.. merged];
    }
}
