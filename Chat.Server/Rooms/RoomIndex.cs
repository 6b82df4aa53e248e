using System.Collections.Concurrent;
using Chat.Server.Delivery;

namespace Chat.Server.Rooms;

/// <summary>
/// Which of this server's connections are in which room, so that a room's messages reach exactly its members'
/// connections here. It knows, for each user with a connection here, their rooms (null until read from the
/// store) and a count of changes to them, which a read from the store checks so that it cannot undo a join or
/// leave that came in meanwhile (<see cref="Memberships"/> does the reading). Each room's member connections are
/// read without a lock and replaced whole; everything changes under one lock.
/// </summary>
internal sealed class RoomIndex
{
    private readonly ConcurrentDictionary<string, Outbox[]> _rooms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LocalUser> _local = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>A connection of <paramref name="user"/> opened here: if their rooms are known, it is in them at once.</summary>
    public void Connected(string user, Outbox outbox)
    {
        lock (_lock)
        {
            if (!_local.TryGetValue(user, out var local))
            {
                _local[user] = local = new LocalUser();
            }

            local.Outboxes.Add(outbox);
            foreach (var room in local.Rooms ?? [])
            {
                AddToRoom(room, [outbox]);
            }
        }
    }

    public void Disconnected(string user, Outbox outbox)
    {
        lock (_lock)
        {
            if (!_local.TryGetValue(user, out var local) || !local.Outboxes.Remove(outbox))
            {
                return;
            }

            foreach (var room in local.Rooms ?? [])
            {
                RemoveFromRoom(room, [outbox]);
            }

            if (local.Outboxes.Count == 0)
            {
                _local.Remove(user);
            }
        }
    }

    /// <summary>True when the rooms of <paramref name="user"/> (who has a connection here) are known here.</summary>
    public bool KnowsRoomsOf(string user)
    {
        lock (_lock)
        {
            return !_local.TryGetValue(user, out var local) || local.Rooms is not null;
        }
    }

    /// <summary>Counts the changes to <paramref name="user"/>'s rooms, so that a read from the store can tell it raced one.</summary>
    public int RoomsVersion(string user)
    {
        lock (_lock)
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
        lock (_lock)
        {
            if (!_local.TryGetValue(user, out var local))
            {
                return true; // gone meanwhile
            }

            if (local.Version != version)
            {
                return false;
            }

            var outboxes = local.Outboxes.ToArray();
            var known = new HashSet<string>(rooms.Where(room => !Conversation.IsDirect(room)), StringComparer.Ordinal);
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
                    AddToRoom(room, outboxes);
                }
            }

            local.Rooms = known;
            return true;
        }
    }

    /// <summary>Whether <paramref name="user"/> is in <paramref name="room"/>, when their rooms are known here; null otherwise.</summary>
    public bool? IsInRoom(string user, string room)
    {
        lock (_lock)
        {
            return _local.TryGetValue(user, out var local) && local.Rooms is { } rooms ? rooms.Contains(room) : null;
        }
    }

    /// <summary>A join (here or on another node): the user's connections here are in the room from now on.</summary>
    public void Join(string user, string room)
    {
        lock (_lock)
        {
            if (!_local.TryGetValue(user, out var local))
            {
                return;
            }

            local.Version++;
            if (local.Rooms is { } rooms && rooms.Add(room))
            {
                AddToRoom(room, [.. local.Outboxes]);
            }
        }
    }

    /// <summary>A leave (here or on another node): the user's connections here are out of the room from now on.</summary>
    public void Leave(string user, string room)
    {
        lock (_lock)
        {
            if (!_local.TryGetValue(user, out var local))
            {
                return;
            }

            local.Version++;
            if (local.Rooms is { } rooms && rooms.Remove(room))
            {
                RemoveFromRoom(room, [.. local.Outboxes]);
            }
        }
    }

    /// <summary>The users with connections here (whose rooms a node that missed joins and leaves reads again).</summary>
    public string[] LocalUsers()
    {
        lock (_lock)
        {
            return [.. _local.Keys];
        }
    }

    /// <summary>The connections here of <paramref name="room"/>'s members (none when nobody here is in it).</summary>
    public Outbox[] Members(string room) => _rooms.TryGetValue(room, out var members) ? members : [];

    /// <summary>To the connections here of the room's members, except those of <paramref name="exceptUser"/>.</summary>
    public void ToRoom(string room, Frame frame, string? exceptUser = null)
    {
        foreach (var outbox in Members(room))
        {
            if (exceptUser is null || outbox.Connection.UserIdentifier != exceptUser)
            {
                outbox.Send(frame);
            }
        }
    }

    private void AddToRoom(string room, Outbox[] outboxes) =>
        _rooms[room] = _rooms.TryGetValue(room, out var members) ? [.. members, .. outboxes] : outboxes;

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

    /// <summary>A user with connections here: their outboxes, the rooms they are in (null until read from the store), and a count of changes to them.</summary>
    private sealed class LocalUser
    {
        public List<Outbox> Outboxes { get; } = [];

        public HashSet<string>? Rooms { get; set; }

        public int Version { get; set; }
    }
}
