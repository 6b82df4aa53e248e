namespace Chat.Server.History;

/// <summary>
/// Durable history, one backend of it (<see cref="Sqlite.SqliteStore"/> or <see cref="Postgres.PostgresStore"/>): the
/// message log, the conversations and who is in them, the built-in accounts, and the probes readiness asks. Writes come from one
/// <see cref="HistoryWriter"/> at a time; reads may run concurrently with them and with each other. Conversation keys
/// are those of <see cref="Rooms.Conversation"/>: <c>general</c> (everyone's, no membership rows needed), room names,
/// and direct conversation keys.
/// </summary>
public interface IHistoryStore : IMessageLog, IConversationStore, IFileStore, IStoreProbes, Accounts.IAccountStore, Api.IBotStore
{
    /// <summary>Which store and where, for the start-up log (no secrets).</summary>
    string Description => GetType().Name;

    /// <summary>Creates the schema when it is missing and upgrades one written by an earlier release in place (numbered migrations); called once at start-up.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}

/// <summary>The messages of every conversation, in one id order, with the counters kept in the same commits.</summary>
public interface IMessageLog
{
    /// <summary>How long a (user, client message id) is remembered at least, even when its message is gone.</summary>
    static readonly TimeSpan ClientIdMemory = TimeSpan.FromHours(24);

    /// <summary>
    /// Stores <paramref name="batch"/> in one transaction and returns, in order, what became of each message.
    /// A message whose (user, client message id) is remembered already is not stored again: its entry is the message
    /// first sent with it (in whatever conversation; a tombstone if it is gone) with <see cref="Appended.IsNew"/> false.
    /// Callers never pass one (user, id) twice in a batch. A message in a direct conversation makes both its users
    /// members of it (nothing read) if they are not. Each conversation's counters (newest id, count, and every
    /// member's unread count) change in the same commit, and retention (<see cref="Retention"/>) applies per conversation.
    /// </summary>
    Task<Appended[]> AppendAsync(IReadOnlyList<NewMessage> batch, DateTime sentAt, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="messages"/> as <see cref="AppendAsync"/> does, then applies <paramref name="changes"/> (SPEC section
    /// 12), in one transaction. Each change is decided against the message as stored (<see cref="MessageChanges.Decide"/>) and,
    /// when it changes something, takes the next position in the sequence of message ids: the message's <c>version</c>.
    /// Edits and deletes keep the mentions' unread counts. <paramref name="now"/> is the messages' time and the edits'.
    /// </summary>
    Task<Committed> CommitAsync(IReadOnlyList<NewMessage> messages, IReadOnlyList<MessageChange> changes, DateTime now, CancellationToken cancellationToken);

    /// <summary>One message of a conversation in its current state; null when the conversation has no message of that id.</summary>
    Task<ChatMessage?> FindAsync(string room, long id, CancellationToken cancellationToken);

    /// <summary>One conversation: the latest <paramref name="limit"/> messages, or those after <paramref name="afterId"/>; oldest first.</summary>
    Task<ChatMessage[]> GetAsync(string room, long? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>One conversation: the <paramref name="limit"/> messages just before <paramref name="beforeId"/>, oldest first (scrolling back).</summary>
    Task<ChatMessage[]> GetBeforeAsync(string room, long beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The messages of <paramref name="conversations"/> at positions after <paramref name="afterId"/> (null: the latest), at most
    /// <paramref name="limit"/>, in position order: new ones, and older ones changed since, in their current state, each once.
    /// Read lazily (<see cref="ConversationMerge"/>), so the cost follows the conversations and what is returned, not what is stored.
    /// </summary>
    Task<ChatMessage[]> GetMissedAsync(IReadOnlyList<string> conversations, long? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Messages of every conversation at positions after <paramref name="afterId"/> (new ones, and changed ones in their current
    /// state), in position order: what a server that missed them releases.
    /// </summary>
    Task<ChatMessage[]> GetAllAsync(long afterId, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The newest <see cref="Search.SearchRequest.Limit"/> messages of the request's conversations that contain every term (accents and case
    /// ignored), by the author when one is given, never deleted ones, in their current state; newest first (SPEC section 14).
    /// The index follows every commit: edits, deletes, clears, retention and removed rooms.
    /// </summary>
    Task<ChatMessage[]> SearchAsync(Search.SearchRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// For a store whose search index is written behind the commits (SQLite): moves up to <paramref name="max"/> of the messages
    /// committed since the last call into it, and returns how many; <see cref="SearchAsync"/> finds the others all the same.
    /// Called by the writer only, in turn with its commits. A store that indexes in the commit itself (PostgreSQL) returns 0.
    /// </summary>
    Task<int> IndexSearchAsync(int max, CancellationToken cancellationToken) => Task.FromResult(0);

    /// <summary>Whether the search index is written behind the commits (<see cref="IndexSearchAsync"/>), so the writer has that to do.</summary>
    bool IndexesSearchLater => false;

    /// <summary>The last position ever given (a message's id or a change's version; 0 if none), whether or not it was cleared since.</summary>
    Task<long> LastIdAsync(CancellationToken cancellationToken);

    /// <summary>Deletes every message of one conversation (its members have nothing unread there); ids already given out are never given again.</summary>
    Task ClearAsync(string room, CancellationToken cancellationToken);

    /// <summary>Forgets the client message ids of messages sent before <paramref name="sentBefore"/>; returns how many.</summary>
    Task<int> ForgetClientIdsAsync(DateTime sentBefore, CancellationToken cancellationToken);
}

/// <summary>Rooms, who is in which conversation, and how far each member has read.</summary>
public interface IConversationStore
{
    /// <summary>
    /// Makes <paramref name="user"/> a member of room <paramref name="room"/>, creating the room (as theirs) if it is new,
    /// with the read marker at the room's newest message (what was said before joining counts as read), unless
    /// <see cref="JoinPolicy"/> refuses, in which case nothing changes.
    /// </summary>
    Task<JoinOutcome> JoinAsync(string user, string room, JoinLimits limits, CancellationToken cancellationToken);

    /// <summary>Ends a room membership (the room stays; without members it is empty from <paramref name="now"/>); false when the user was not a member.</summary>
    Task<bool> LeaveAsync(string user, string room, DateTime now, CancellationToken cancellationToken);

    /// <summary>Removes the rooms that have had no members since before <paramref name="emptySince"/>, with their messages; returns their names.</summary>
    Task<string[]> RemoveEmptyRoomsAsync(DateTime emptySince, CancellationToken cancellationToken);

    /// <summary>The rooms and direct conversations <paramref name="user"/> is a member of (not <c>general</c>), in any order.</summary>
    Task<string[]> ConversationsOfAsync(string user, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="user"/> has a membership row in <paramref name="room"/> (a room they joined, a direct conversation with a message).</summary>
    Task<bool> IsMemberAsync(string user, string room, CancellationToken cancellationToken);

    /// <summary>How many direct conversations <paramref name="user"/> has (notes to self included).</summary>
    Task<int> DirectCountAsync(string user, CancellationToken cancellationToken);

    /// <summary>
    /// The users among <paramref name="keys"/> (names lower-cased by <see cref="Rules.Mentions.Key"/>) who can read
    /// <paramref name="room"/>: its members; for <c>general</c>, every user who has connected, posted or joined a room. Each as they
    /// spell their name.
    /// </summary>
    Task<string[]> ReadersAsync(string room, IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>Whether this process knows <paramref name="user"/> to be among the users a mention in general can name (false: it may not know).</summary>
    bool KnowsUser(string user);

    /// <summary>Makes <paramref name="user"/> one of the users a mention in general can name (a user who connected).</summary>
    Task RememberUserAsync(string user, CancellationToken cancellationToken);

    /// <summary>The members of a room, ordinal order.</summary>
    Task<string[]> MembersAsync(string room, CancellationToken cancellationToken);

    /// <summary>
    /// Every room (not <c>general</c>, not direct conversations) with its member count, privacy and topic, ordinal order of name:
    /// the public ones and the private ones <paramref name="viewer"/> is in or invited to (null: all of them).
    /// </summary>
    Task<RoomListing[]> ListRoomsAsync(string? viewer, CancellationToken cancellationToken);

    /// <summary>
    /// Decides <paramref name="act"/> against the room as stored (<see cref="ModerationRules.Decide"/>) and, when it is to be done, does it
    /// and writes its entry in the room's moderation log, in one transaction. A kick or a ban ends the target's membership (as
    /// <see cref="LeaveAsync"/> does) and drops their role and invite.
    /// </summary>
    Task<ModerationResult> ModerateAsync(ModerationAct act, CancellationToken cancellationToken);

    /// <summary>A room's moderation log: at most <paramref name="limit"/> entries before <paramref name="beforeId"/> (null: the newest), newest first.</summary>
    Task<ModerationEntry[]> ModerationLogAsync(string room, long? beforeId, int limit, CancellationToken cancellationToken);

    /// <summary>A room's privacy, topic, roles, bans and mutes; null when there is no such room.</summary>
    Task<RoomRules?> RoomRulesAsync(string room, CancellationToken cancellationToken);

    /// <summary>
    /// <c>general</c> first, then each of the user's rooms and direct conversations in any order, with the newest id and
    /// the messages by others after the user's read marker (in <c>general</c>, none until the user has a marker), from
    /// the counters: the cost follows the user's conversations, not their messages.
    /// </summary>
    Task<RoomSummary[]> SummariesAsync(string user, CancellationToken cancellationToken);

    /// <summary>
    /// One conversation of <paramref name="user"/>'s, as in <see cref="SummariesAsync"/>; null when they have no membership
    /// row there (a room they are not in, a direct conversation without messages), but for <c>general</c>.
    /// </summary>
    Task<RoomSummary?> SummaryAsync(string user, string room, CancellationToken cancellationToken);

    /// <summary>
    /// Moves each user's read marker forward (never back) to at most the conversation's newest id, creating <c>general</c>'s
    /// if missing; returns each marker as it is now, in order (0 where the user has no membership: reading creates no
    /// direct conversation).
    /// </summary>
    Task<long[]> MarkReadAsync(IReadOnlyList<ReadMark> marks, CancellationToken cancellationToken);
}

/// <summary>What readiness asks of the store.</summary>
public interface IStoreProbes
{
    /// <summary>How much a readiness probe writes.</summary>
    const int ProbeBytes = 64 * 1024;

    /// <summary>Throws unless the store answers a trivial query (readiness).</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Commits a durable write of <see cref="ProbeBytes"/> (bigger than most batches) to a probe row; throws when
    /// commits fail (a full disk, a read-only store). Readiness uses it to learn that commits work again.
    /// </summary>
    Task CheckWritableAsync(CancellationToken cancellationToken);
}
