namespace Chat.Server.History;

/// <summary>
/// Durable history: the messages of every conversation, the rooms, who is in them and how far each user
/// has read. Writes (append, clear, join, leave, read markers, probe) come from one <see cref="HistoryWriter"/>
/// at a time; reads may run concurrently with them and with each other.
/// Conversation keys are those of <see cref="Rooms.Conversation"/>: <c>general</c> (everyone's, no membership
/// rows needed), room names, and direct conversation keys.
/// </summary>
public interface IHistoryStore
{
    /// <summary>How much a readiness probe writes.</summary>
    const int ProbeBytes = 64 * 1024;

    /// <summary>Which store and where, for the start-up log (no secrets).</summary>
    string Description => GetType().Name;

    /// <summary>Creates the schema when it is missing and upgrades one written by an earlier release in place; called once at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="batch"/> in one transaction and returns, in order, what became of each message.
    /// A message whose (user, client message id) is stored already is not stored again: its entry is the stored
    /// message with <see cref="Appended.IsNew"/> false. Callers never pass one (user, id) twice in a batch.
    /// A message in a direct conversation makes both its users members of it (read marker 0) if they are not.
    /// Retention (the newest <c>maxMessages</c>) applies per conversation.
    /// </summary>
    Task<Appended[]> AppendAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken);

    /// <summary>One conversation: the latest <paramref name="limit"/> messages, or those after <paramref name="afterId"/>; oldest first.</summary>
    Task<ChatMessage[]> GetAsync(string room, long? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>One conversation: the <paramref name="limit"/> messages just before <paramref name="beforeId"/>, oldest first (scrolling back).</summary>
    Task<ChatMessage[]> GetBeforeAsync(string room, long beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The messages of <c>general</c> and every conversation <paramref name="user"/> is a member of (rooms and direct),
    /// after <paramref name="afterId"/> (null: the latest), at most <paramref name="limit"/>, oldest first.
    /// </summary>
    Task<ChatMessage[]> GetMissedAsync(string user, long? afterId, int limit, CancellationToken cancellationToken);

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

    /// <summary>Deletes every message of one conversation; ids already given out are never given again.</summary>
    Task ClearAsync(string room, CancellationToken cancellationToken);

    /// <summary>
    /// Makes <paramref name="user"/> a member of room <paramref name="room"/>, creating the room if it is new, with
    /// the read marker at the room's newest message (what was said before joining counts as read). Refuses, changing
    /// nothing, when the user is in <paramref name="maxPerUser"/> rooms already (direct conversations do not count),
    /// or the room is new and <paramref name="maxRooms"/> rooms exist.
    /// </summary>
    Task<JoinOutcome> JoinAsync(string user, string room, int maxPerUser, int maxRooms, CancellationToken cancellationToken);

    /// <summary>Ends a room membership (the room stays); false when the user was not a member.</summary>
    Task<bool> LeaveAsync(string user, string room, CancellationToken cancellationToken);

    /// <summary>The rooms and direct conversations <paramref name="user"/> is a member of (not <c>general</c>), in any order.</summary>
    Task<string[]> ConversationsOfAsync(string user, CancellationToken cancellationToken);

    /// <summary>The members of a room, ordinal order.</summary>
    Task<string[]> MembersAsync(string room, CancellationToken cancellationToken);

    /// <summary>Every room (not <c>general</c>, not direct conversations) with its member count, ordinal order of name.</summary>
    Task<RoomListing[]> ListRoomsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// <c>general</c> first, then each of the user's rooms and direct conversations in any order, with the newest
    /// id and the messages by others after the user's read marker (in <c>general</c>, none until the user has a marker).
    /// </summary>
    Task<RoomSummary[]> SummariesAsync(string user, CancellationToken cancellationToken);

    /// <summary>
    /// Moves each user's read marker forward (never back) to at most the conversation's newest id, creating it
    /// (<c>general</c>, a direct conversation) if missing; returns each marker as it is now, in order.
    /// </summary>
    Task<long[]> MarkReadAsync(IReadOnlyList<ReadMark> marks, CancellationToken cancellationToken);
}
