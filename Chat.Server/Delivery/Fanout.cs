using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Delivery;

/// <summary>
/// The connections of this server, each with its <see cref="Outbox"/>, and the frames going to them.
/// Sending never waits for a client. After committed messages went out, <see cref="PaceAsync"/> makes
/// the next commits wait a little for clients that fell behind, and drops those that stopped reading.
/// </summary>
internal sealed class Fanout : IDisposable
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Outbox> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Outbox[]> _users = new(StringComparer.Ordinal);
    private readonly DeliveryBudget _budget;
    private readonly ITimer _sweep;
    private readonly List<Outbox> _pacing = []; // clients behind that commits wait for; only PaceAsync (one caller) touches it

    // Rooms: each room's member connections here (read without a lock, replaced whole), and what is known of
    // each user with connections here. Both change under _membership: connects, disconnects, joins and leaves.
    private readonly ConcurrentDictionary<string, Outbox[]> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalUser> _local = new(StringComparer.Ordinal);
    private readonly Lock _membership = new();

    public Fanout(DeliveryBudget budget)
    {
        _budget = budget;
        _sweep = budget.Clock.CreateTimer(_ => DropStalled(), null, SweepInterval, SweepInterval);
    }

    /// <summary>How much to send to every client before pacing: a quarter of a client's buffer.</summary>
    public long StepBytes => _budget.Limits.MaxBufferBytes / 4;

    public void Add(HubConnectionContext connection)
    {
        var outbox = new Outbox(connection, _budget);
        _connections[connection.ConnectionId] = outbox;
        if (connection.UserIdentifier is not { } user)
        {
            return;
        }

        lock (_membership)
        {
            _users[user] = _users.TryGetValue(user, out var outboxes) ? [.. outboxes, outbox] : [outbox];
            if (!_local.TryGetValue(user, out var local))
            {
                _local[user] = local = new LocalUser();
            }

            // A user whose rooms are known here already: the new connection is in them at once.
            foreach (var room in local.Rooms ?? [])
            {
                _rooms[room] = _rooms.TryGetValue(room, out var members) ? [.. members, outbox] : [outbox];
            }
        }
    }

    public void Remove(HubConnectionContext connection)
    {
        if (!_connections.TryRemove(connection.ConnectionId, out var outbox))
        {
            return;
        }

        outbox.Close();
        if (connection.UserIdentifier is not { } user)
        {
            return;
        }

        lock (_membership)
        {
            if (!_users.TryGetValue(user, out var outboxes))
            {
                return;
            }

            var rest = Array.FindAll(outboxes, other => other != outbox);
            if (rest.Length > 0)
            {
                _users[user] = rest;
            }
            else
            {
                _users.TryRemove(user, out _);
            }

            if (_local.TryGetValue(user, out var local))
            {
                foreach (var room in local.Rooms ?? [])
                {
                    RemoveFromRoom(room, [outbox]);
                }

                if (rest.Length == 0)
                {
                    _local.Remove(user);
                }
            }
        }
    }

    /// <summary>True when the rooms of <paramref name="user"/> (who has a connection here) are known here.</summary>
    public bool KnowsRoomsOf(string user)
    {
        lock (_membership)
        {
            return !_local.TryGetValue(user, out var local) || local.Rooms is not null;
        }
    }

    /// <summary>Counts the changes to <paramref name="user"/>'s rooms, so that a load from the store can tell it raced one.</summary>
    public int RoomsVersion(string user)
    {
        lock (_membership)
        {
            return _local.TryGetValue(user, out var local) ? local.Version : 0;
        }
    }

    /// <summary>
    /// The rooms of <paramref name="user"/>, as read from the store when their version was <paramref name="version"/>:
    /// their connections here join them. False, changing nothing, when a join or leave came in meanwhile (read again).
    /// </summary>
    public bool SetRooms(string user, IEnumerable<string> rooms, int version)
    {
        lock (_membership)
        {
            if (!_local.TryGetValue(user, out var local))
            {
                return true; // gone meanwhile
            }

            if (local.Version != version)
            {
                return false;
            }

            var outboxes = _users.TryGetValue(user, out var open) ? open : [];
            var known = new HashSet<string>(rooms.Where(room => !Rooms.Conversation.IsDirect(room)), StringComparer.Ordinal);
            foreach (var room in local.Rooms ?? [])
            {
                if (!known.Contains(room))
                {
                    RemoveFromRoom(room, outboxes);
                }
            }

            foreach (var room in known)
            {
                if (local.Rooms?.Contains(room) != true)
                {
                    _rooms[room] = _rooms.TryGetValue(room, out var members) ? [.. members, .. outboxes] : outboxes;
                }
            }

            local.Rooms = known;
            return true;
        }
    }

    /// <summary>Whether <paramref name="user"/> is in <paramref name="room"/>, when their rooms are known here; null otherwise.</summary>
    public bool? IsInRoom(string user, string room)
    {
        lock (_membership)
        {
            return _local.TryGetValue(user, out var local) && local.Rooms is { } rooms ? rooms.Contains(room) : null;
        }
    }

    /// <summary>A join (here or on another node): the user's connections here are in the room from now on.</summary>
    public void Join(string user, string room)
    {
        lock (_membership)
        {
            if (!_local.TryGetValue(user, out var local))
            {
                return;
            }

            local.Version++;
            if (local.Rooms is { } rooms && rooms.Add(room) && _users.TryGetValue(user, out var outboxes))
            {
                _rooms[room] = _rooms.TryGetValue(room, out var members) ? [.. members, .. outboxes] : outboxes;
            }
        }
    }

    /// <summary>A leave (here or on another node): the user's connections here are out of the room from now on.</summary>
    public void Leave(string user, string room)
    {
        lock (_membership)
        {
            if (!_local.TryGetValue(user, out var local))
            {
                return;
            }

            local.Version++;
            if (local.Rooms is { } rooms && rooms.Remove(room) && _users.TryGetValue(user, out var outboxes))
            {
                RemoveFromRoom(room, outboxes);
            }
        }
    }

    /// <summary>The users with connections here (whose rooms a node that missed joins and leaves reads again).</summary>
    public string[] LocalUsers()
    {
        lock (_membership)
        {
            return [.. _local.Keys];
        }
    }

    /// <summary>To every connection here, except <paramref name="except"/> (connection ids) and the connections of <paramref name="exceptUser"/>.</summary>
    public void ToAll(Frame frame, IReadOnlyList<string>? except = null, string? exceptUser = null)
    {
        foreach (var outbox in _connections.Values)
        {
            if ((except is null || !except.Contains(outbox.Connection.ConnectionId)) && (exceptUser is null || outbox.Connection.UserIdentifier != exceptUser))
            {
                outbox.Send(frame);
            }
        }
    }

    /// <summary>To the connections here of the room's members, except those of <paramref name="exceptUser"/>.</summary>
    public void ToRoom(string room, Frame frame, string? exceptUser = null)
    {
        if (!_rooms.TryGetValue(room, out var members))
        {
            return;
        }

        foreach (var outbox in members)
        {
            if (exceptUser is null || outbox.Connection.UserIdentifier != exceptUser)
            {
                outbox.Send(frame);
            }
        }
    }

    public void ToConnections(IReadOnlyList<string> connectionIds, Frame frame)
    {
        foreach (var id in connectionIds)
        {
            if (_connections.TryGetValue(id, out var outbox))
            {
                outbox.Send(frame);
            }
        }
    }

    public void ToUsers(IReadOnlyList<string> users, Frame frame)
    {
        foreach (var user in users)
        {
            if (_users.TryGetValue(user, out var outboxes))
            {
                foreach (var outbox in outboxes)
                {
                    outbox.Send(frame);
                }
            }
        }
    }

    public bool IsHere(string connectionId) => _connections.ContainsKey(connectionId);

    /// <summary>
    /// After committed messages went out: waits, at most <c>Chat:SlowClient:WaitMilliseconds</c>, for clients
    /// more than half their buffer behind, and for the total to come back under budget. A client that keeps
    /// up, even barely, is waited for again next time (it paces the senders); one that finished no write
    /// meanwhile is left behind (not waited for until it catches up), and if the total is still over budget,
    /// such clients are dropped, biggest backlog first.
    /// </summary>
    public async Task PaceAsync()
    {
        foreach (var outbox in _budget.TakeBehind())
        {
            if (!_pacing.Contains(outbox))
            {
                _pacing.Add(outbox);
            }
        }

        _pacing.RemoveAll(outbox => outbox.IsClosed || !outbox.Behind);
        if (_pacing.Count == 0 && !_budget.Over)
        {
            return;
        }

        var started = _budget.Clock.GetTimestamp();
        var progress = _pacing.ConvertAll(outbox => outbox.Writes);
        var waits = _pacing.ConvertAll(outbox => outbox.BelowHalfAsync());
        waits.Add(_budget.UnderBudgetAsync());
        try
        {
            await Task.WhenAll(waits).WaitAsync(TimeSpan.FromMilliseconds(_budget.Limits.WaitMilliseconds), _budget.Clock);
        }
        catch (TimeoutException)
        {
            // Go on without them this time.
        }

        for (var i = _pacing.Count - 1; i >= 0; i--)
        {
            if (_pacing[i].Behind && _pacing[i].Writes == progress[i])
            {
                _pacing[i].LeaveBehind();
                _pacing.RemoveAt(i);
            }
        }

        if (_budget.Over)
        {
            DropStuck(started);
        }
    }

    public void Dispose() => _sweep.Dispose();

    private void RemoveFromRoom(string room, Outbox[] outboxes)
    {
        if (!_rooms.TryGetValue(room, out var members))
        {
            return;
        }

        var rest = Array.FindAll(members, member => Array.IndexOf(outboxes, member) < 0);
        if (rest.Length > 0)
        {
            _rooms[room] = rest;
        }
        else
        {
            _rooms.TryRemove(room, out _);
        }
    }

    /// <summary>A user with connections here: the rooms they are in (null until read from the store), and a count of changes to them.</summary>
    private sealed class LocalUser
    {
        public HashSet<string>? Rooms { get; set; }

        public int Version { get; set; }
    }

    /// <summary>Over budget: drops clients whose write has waited since <paramref name="before"/>, biggest backlog first.</summary>
    private void DropStuck(long before)
    {
        var stuck = _connections.Values.Where(outbox => outbox.WaitingSince is > 0 and var since && since <= before).OrderByDescending(outbox => outbox.Bytes);
        foreach (var outbox in stuck)
        {
            if (_budget.Total <= _budget.Limits.MaxTotalBytes * 3 / 4)
            {
                break;
            }

            outbox.Drop($"{outbox.Bytes} bytes waiting while this server's clients together were past Chat:SlowClient:MaxTotalBytes ({_budget.Limits.MaxTotalBytes})");
        }
    }

    /// <summary>Drops clients whose write has waited longer than <c>Chat:SlowClient:MaxStallSeconds</c>.</summary>
    private void DropStalled()
    {
        var clock = _budget.Clock;
        foreach (var outbox in _connections.Values)
        {
            if (outbox.WaitingSince is > 0 and var since && clock.GetElapsedTime(since).TotalSeconds > _budget.Limits.MaxStallSeconds)
            {
                outbox.Drop($"nothing read for {clock.GetElapsedTime(since).TotalSeconds:F1} s, more than Chat:SlowClient:MaxStallSeconds ({_budget.Limits.MaxStallSeconds})");
            }
        }
    }
}
