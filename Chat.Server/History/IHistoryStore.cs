namespace Chat.Server.History;

/// <summary>Durable message history. Writes come from one <see cref="HistoryWriter"/> at a time.</summary>
public interface IHistoryStore
{
    /// <summary>How much a readiness probe writes.</summary>
    const int ProbeBytes = 64 * 1024;

    /// <summary>Which store and where, for the start-up log (no secrets).</summary>
    string Description => GetType().Name;

    /// <summary>Creates the schema when it is missing; called once at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="batch"/> in one transaction and returns the messages as committed, in order.</summary>
    Task<ChatMessage[]> AppendAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken);

    /// <summary>The latest <paramref name="limit"/> messages, or those after <paramref name="afterId"/>; oldest first.</summary>
    Task<ChatMessage[]> GetAsync(long? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Messages of every conversation with an id after <paramref name="afterId"/>, oldest first: what a server that missed them releases.</summary>
    Task<ChatMessage[]> GetAllAsync(long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>The id of the last message ever committed (0 if none), whether or not it was cleared since.</summary>
    Task<long> LastIdAsync(CancellationToken cancellationToken);

    /// <summary>Throws unless the store answers a trivial query (readiness).</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Commits a durable write of <see cref="ProbeBytes"/> (bigger than most batches) to a probe row; throws when
    /// commits fail (a full disk, a read-only store). Readiness uses it to learn that commits work again.
    /// </summary>
    Task CheckWritableAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every message; ids already given out are never given again.</summary>
    Task ClearAsync(CancellationToken cancellationToken);
}
