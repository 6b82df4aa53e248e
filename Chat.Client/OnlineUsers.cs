namespace Chat.Client;

/// <summary>
/// Who is online as a client knows it, and which arrivals and departures a person should be told of. The server's
/// <c>UserJoined</c> means "a first connection at the server", and a server that restarted has forgotten everyone: each
/// user reconnecting to it is a first connection there. To the person watching, a user who was online before their own
/// client dropped and is back within <see cref="ReturnWindow"/> of its reconnect never left, and one already shown
/// online did not arrive.
/// </summary>
public sealed class OnlineUsers(TimeProvider clock)
{
    /// <summary>How long after this client's reconnect a user it showed online before the drop may come back quietly.</summary>
    public static readonly TimeSpan ReturnWindow = TimeSpan.FromSeconds(60);

    private readonly Lock _gate = new();
    private readonly HashSet<string> _online = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _returning = new(StringComparer.Ordinal); // user → when this client came back
    private List<(string User, bool Joined)>? _meanwhile; // events while the server's list is on its way
    private bool _listed; // the server's list came once: before it, nobody can be told as new

    /// <summary>Online users in ordinal order (the server's order), as last told.</summary>
    public string[] Users
    {
        get
        {
            lock (_gate)
            {
                return [.. _online.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The server's list was asked for: events from now on are applied again on top of it.</summary>
    public void Resetting()
    {
        lock (_gate)
        {
            _meanwhile = [];
        }
    }

    /// <summary>
    /// The server's list after a connect (events since <see cref="Resetting"/> applied on top). After a reconnect, those shown before who are not in it yet are expected back
    /// for <see cref="ReturnWindow"/>.
    /// </summary>
    public void Reset(IEnumerable<string> users, bool reconnected)
    {
        lock (_gate)
        {
            var now = clock.GetTimestamp();
            var fresh = users.ToHashSet(StringComparer.Ordinal);
            // Those who did not come back in time are not expected any more.
            foreach (var gone in _returning.Where(entry => clock.GetElapsedTime(entry.Value) >= ReturnWindow).Select(entry => entry.Key).ToList())
            {
                _returning.Remove(gone);
            }

            if (reconnected)
            {
                foreach (var user in _online.Where(user => !fresh.Contains(user)))
                {
                    _returning[user] = now;
                }
            }

            _online.Clear();
            _online.UnionWith(fresh);
            foreach (var (user, joined) in _meanwhile ?? [])
            {
                if (joined)
                {
                    _online.Add(user);
                    _returning.Remove(user);
                }
                else
                {
                    _online.Remove(user);
                }
            }

            _meanwhile = null;
            _listed = true;
        }
    }

    /// <summary>The server says <paramref name="user"/> came online; true when that is an arrival to tell.</summary>
    public bool Joined(string user)
    {
        lock (_gate)
        {
            _meanwhile?.Add((user, true));
            if (!_online.Add(user) || (_meanwhile is not null && !_listed))
            {
                return false;
            }

            return !(_returning.Remove(user, out var since) && clock.GetElapsedTime(since) < ReturnWindow);
        }
    }

    /// <summary>The server says <paramref name="user"/> went offline; true when they were shown online.</summary>
    public bool Left(string user)
    {
        lock (_gate)
        {
            _meanwhile?.Add((user, false));
            _returning.Remove(user);
            return _online.Remove(user) && (_meanwhile is null || _listed);
        }
    }
}
