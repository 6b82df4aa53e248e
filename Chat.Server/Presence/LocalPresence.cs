namespace Chat.Server.Presence;

/// <summary>Presence of one server process: each user's open connection ids, in memory.</summary>
public sealed class LocalPresence : IPresence
{
    private readonly Dictionary<string, HashSet<string>> _connections = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public ValueTask<bool> ConnectedAsync(string user, string connectionId)
    {
        lock (_lock)
        {
            if (!_connections.TryGetValue(user, out var ids))
            {
                ids = new HashSet<string>(StringComparer.Ordinal);
                _connections.Add(user, ids);
            }

            ids.Add(connectionId);
            return ValueTask.FromResult(ids.Count == 1);
        }
    }

    public ValueTask<bool> DisconnectedAsync(string user, string connectionId) =>
        ValueTask.FromResult(TryRemove(user, connectionId, out var wasLast) && wasLast);

    /// <summary>Forgets a connection; false when it was not known. <paramref name="wasLast"/> tells whether it was the user's last.</summary>
    public bool TryRemove(string user, string connectionId, out bool wasLast)
    {
        lock (_lock)
        {
            wasLast = false;
            if (!_connections.TryGetValue(user, out var ids) || !ids.Remove(connectionId))
            {
                return false;
            }

            if (ids.Count == 0)
            {
                _connections.Remove(user);
                wasLast = true;
            }

            return true;
        }
    }

    /// <summary>Each user with connections here, and how many.</summary>
    public KeyValuePair<string, int>[] Counts()
    {
        lock (_lock)
        {
            return [.. _connections.Select(entry => KeyValuePair.Create(entry.Key, entry.Value.Count))];
        }
    }

    public ValueTask<string[]> OnlineAmongAsync(IReadOnlyCollection<string> users)
    {
        lock (_lock)
        {
            var online = users.Where(_connections.ContainsKey).Distinct(StringComparer.Ordinal).ToArray();
            Array.Sort(online, StringComparer.Ordinal);
            return ValueTask.FromResult(online);
        }
    }

    public ValueTask<int> CountAsync()
    {
        lock (_lock)
        {
            return ValueTask.FromResult(_connections.Count);
        }
    }

    public ValueTask<string[]> OnlineUsersAsync()
    {
        lock (_lock)
        {
            var users = _connections.Keys.ToArray();
            Array.Sort(users, StringComparer.Ordinal);
            return ValueTask.FromResult(users);
        }
    }
}
