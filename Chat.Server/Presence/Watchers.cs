using Chat.Server.Delivery;

namespace Chat.Server.Presence;

/// <summary>
/// Which of this server's connections watch which users (<c>WatchUsers</c>): above the broadcast limit, they hear of
/// those users' arrivals and departures even without a room or direct conversation in common. A connection's list
/// replaces its earlier one, and goes with the connection.
/// </summary>
internal sealed class Watchers
{
    /// <summary>The most names one connection may watch.</summary>
    public const int MaxPerConnection = 500;

    private readonly Dictionary<string, HashSet<Outbox>> _watchers = new(StringComparer.Ordinal);
    private readonly Dictionary<Outbox, string[]> _watched = [];
    private readonly Lock _lock = new();

    /// <summary>Makes <paramref name="users"/> the ones <paramref name="outbox"/>'s connection watches.</summary>
    public void Watch(Outbox outbox, string[] users)
    {
        lock (_lock)
        {
            Forget(outbox);
            if (users.Length == 0)
            {
                return;
            }

            _watched[outbox] = users;
            foreach (var user in users)
            {
                if (!_watchers.TryGetValue(user, out var watchers))
                {
                    _watchers[user] = watchers = [];
                }

                watchers.Add(outbox);
            }
        }
    }

    /// <summary>The connection closed: it watches nobody.</summary>
    public void Closed(Outbox outbox)
    {
        lock (_lock)
        {
            Forget(outbox);
        }
    }

    /// <summary>Adds the connections here that watch <paramref name="user"/> to <paramref name="audience"/>.</summary>
    public void AddWatchersOf(string user, HashSet<Outbox> audience)
    {
        lock (_lock)
        {
            if (_watchers.TryGetValue(user, out var watchers))
            {
                audience.UnionWith(watchers);
            }
        }
    }

    private void Forget(Outbox outbox)
    {
        if (!_watched.Remove(outbox, out var users))
        {
            return;
        }

        foreach (var user in users)
        {
            if (_watchers.TryGetValue(user, out var watchers) && watchers.Remove(outbox) && watchers.Count == 0)
            {
                _watchers.Remove(user);
            }
        }
    }
}
