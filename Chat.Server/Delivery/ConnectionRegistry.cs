using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Chat.Server.Delivery;

/// <summary>
/// This server's connections, each with its <see cref="Outbox"/>, found by connection id and by user. Read
/// without locks by every send; changed by connects and disconnects.
/// </summary>
internal sealed class ConnectionRegistry(DeliveryBudget budget)
{
    private readonly ConcurrentDictionary<string, Outbox> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Outbox[]> _users = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Every outbox here (a live view).</summary>
    public ICollection<Outbox> All => _connections.Values;

    /// <summary>Registers the connection, unless its user has <paramref name="perUser"/> here already (0: no limit); null then.</summary>
    public Outbox? Add(HubConnectionContext connection, int perUser = 0)
    {
        var outbox = new Outbox(connection, budget);
        if (connection.UserIdentifier is { } user)
        {
            lock (_lock)
            {
                var outboxes = _users.GetValueOrDefault(user, []);
                if (perUser > 0 && outboxes.Length >= perUser)
                {
                    return null;
                }

                _users[user] = [.. outboxes, outbox];
            }
        }

        _connections[connection.ConnectionId] = outbox;
        return outbox;
    }

    /// <summary>Forgets the connection and closes its outbox; returns it, or null when it was not here.</summary>
    public Outbox? Remove(HubConnectionContext connection)
    {
        if (!_connections.TryRemove(connection.ConnectionId, out var outbox))
        {
            return null;
        }

        outbox.Close();
        if (connection.UserIdentifier is { } user)
        {
            lock (_lock)
            {
                if (_users.TryGetValue(user, out var outboxes))
                {
                    var rest = Array.FindAll(outboxes, other => other != outbox);
                    if (rest.Length > 0)
                    {
                        _users[user] = rest;
                    }
                    else
                    {
                        _users.TryRemove(user, out _);
                    }
                }
            }
        }

        return outbox;
    }

    public bool IsHere(string connectionId) => _connections.ContainsKey(connectionId);

    /// <summary>The outbox of the connection <paramref name="connectionId"/>, or null when it is not here.</summary>
    public Outbox? Find(string connectionId) => _connections.TryGetValue(connectionId, out var outbox) ? outbox : null;

    /// <summary>The outboxes of <paramref name="user"/>'s connections here (none when they have none).</summary>
    public Outbox[] Of(string user) => _users.TryGetValue(user, out var outboxes) ? outboxes : [];

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

    public void ToUsers(IReadOnlyList<string> users, Frame frame)
    {
        foreach (var user in users)
        {
            foreach (var outbox in Of(user))
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
}
