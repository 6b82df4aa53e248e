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

    public ValueTask<bool> DisconnectedAsync(string user, string connectionId)
    {
        lock (_lock)
        {
            if (!_connections.TryGetValue(user, out var ids) || !ids.Remove(connectionId))
            {
                return ValueTask.FromResult(false);
            }

            if (ids.Count > 0)
            {
                return ValueTask.FromResult(false);
            }

            _connections.Remove(user);
            return ValueTask.FromResult(true);
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
