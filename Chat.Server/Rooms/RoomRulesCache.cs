using System.Collections.Concurrent;
using Chat.Server.History;

namespace Chat.Server.Rooms;

/// <summary>
/// Each room's <see cref="RoomRules"/> (privacy, topic, roles, bans, mutes) as read from the store, kept here so that the checks on
/// every post, edit and reaction cost no read. A room's entry is read on first need and forgotten whenever an act changes it, here
/// (<see cref="Memberships.ModerateAsync"/>) or on another node (over the cluster bus, in the order published, like joins and leaves);
/// all of them when the bus was down. A room that does not exist is not kept (it may be created any moment).
/// </summary>
internal sealed class RoomRulesCache(IHistoryStore store)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RoomRules?>>> _rooms = new(StringComparer.Ordinal);

    /// <summary>The rules of the conversation <paramref name="key"/>: <see cref="RoomRules.None"/> for <c>general</c>, a direct conversation or no room.</summary>
    public async Task<RoomRules> GetAsync(string key, CancellationToken cancellationToken)
    {
        if (key == Conversation.General || Conversation.IsDirect(key))
        {
            return RoomRules.None;
        }

        var entry = _rooms.GetOrAdd(key, static (room, store) => new Lazy<Task<RoomRules?>>(() => store.RoomRulesAsync(room, CancellationToken.None)), store);
        RoomRules? rules;
        try
        {
            rules = await entry.Value.WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _rooms.TryRemove(new KeyValuePair<string, Lazy<Task<RoomRules?>>>(key, entry));
            throw;
        }

        if (rules is null)
        {
            _rooms.TryRemove(new KeyValuePair<string, Lazy<Task<RoomRules?>>>(key, entry));
        }

        return rules ?? RoomRules.None;
    }

    /// <summary>The room's rules changed: the next need reads them again.</summary>
    public void Forget(string room) => _rooms.TryRemove(room, out _);

    /// <summary>Changes may have been missed (the cluster bus was down): every room's rules are read again when next needed.</summary>
    public void ForgetAll() => _rooms.Clear();
}
