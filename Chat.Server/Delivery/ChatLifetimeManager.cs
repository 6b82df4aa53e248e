using Chat.Server.History;
using Chat.Server.Hubs;
using Chat.Server.Rules;
using Chat.Server.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Chat.Server.Delivery;

/// <summary>
/// SignalR's extension point for everything sent to clients (<c>Clients.All</c>, <c>Clients.User</c>,
/// <c>Clients.Caller</c>...), on one server or many: each send goes to this server's connections through
/// their outboxes (<see cref="Fanout"/>) and, when scaled out, to the other servers through the
/// <see cref="IClusterBus"/>. No send waits for a client. A SignalR group is a room: sending to it reaches
/// the room's members on every node; membership belongs to users (see <see cref="Rooms.Memberships"/>), so
/// connections are never added to groups one by one.
/// </summary>
internal sealed class ChatLifetimeManager(Fanout fanout, IEnumerable<IClusterBus> buses, ConnectionOwners owners, Refusals refusals) : HubLifetimeManager<ChatHub>
{
    private readonly IClusterBus? _bus = buses.SingleOrDefault();

    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        if (ConnectionUser.Refusal(connection) is { } refusal)
        {
            await RefuseAsync(connection, refusal);
            return;
        }

        owners.Connected(connection);
        fanout.Add(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        owners.Disconnected(connection);
        fanout.Remove(connection);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The rules refuse the name a new connection gives: it is closed with the reason, in the words SignalR uses for a
    /// hub whose OnConnectedAsync threw ("Connection closed with an error. HubException: ..."), which both clients show.
    /// Refused here rather than by throwing from the hub, for which SignalR logs an Error with a stack trace per
    /// connection; no hub code runs for it (<see cref="ChatConnectionState.Refused"/>).
    /// </summary>
    private async Task RefuseAsync(HubConnectionContext connection, InputRejectedException refusal)
    {
        var state = ChatConnectionState.Of(connection);
        state.Refused = true;
        state.UserKnown = true;
        refusals.Rejected(Refusals.Connect, refusal.Reason, connection.ConnectionId);
        await connection.WriteAsync(new CloseMessage($"Connection closed with an error. HubException: {refusal.Message}", allowReconnect: false));
        connection.Abort();
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendAllExceptAsync(methodName, args, [], cancellationToken);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default)
    {
        var frame = Invocation(methodName, args);
        fanout.ToAll(frame, excludedConnectionIds.Count == 0 ? null : excludedConnectionIds);
        _bus?.Publish(new Audience(AudienceKind.All, excludedConnectionIds), frame);
        return Task.CompletedTask;
    }

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendConnectionsAsync([connectionId], methodName, args, cancellationToken);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var frame = Invocation(methodName, args);
        fanout.ToConnections(connectionIds, frame);
        if (_bus is not null && connectionIds.Where(id => !fanout.IsHere(id)).ToArray() is { Length: > 0 } elsewhere)
        {
            _bus.Publish(new Audience(AudienceKind.Connections, elsewhere), frame);
        }

        return Task.CompletedTask;
    }

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendUsersAsync([userId], methodName, args, cancellationToken);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        var frame = Invocation(methodName, args);
        fanout.ToUsers(userIds, frame);
        _bus?.Publish(new Audience(AudienceKind.Users, userIds), frame);
        return Task.CompletedTask;
    }

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        SendRoomAsync(groupName, methodName, args);

    public override async Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        foreach (var room in groupNames)
        {
            await SendRoomAsync(room, methodName, args);
        }
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => throw GroupsUnused();

    /// <summary>To the members of <paramref name="room"/> on every node, except the connections of <paramref name="exceptUser"/>.</summary>
    public Task SendRoomAsync(string room, string methodName, object?[] args, string? exceptUser = null)
    {
        var frame = Invocation(methodName, args);
        fanout.ToRoom(room, frame, exceptUser);
        _bus?.Publish(new Audience(AudienceKind.Room, [room], exceptUser), frame);
        return Task.CompletedTask;
    }

    /// <summary>To every connection on every node but those of <paramref name="exceptUser"/>.</summary>
    public Task SendAllExceptUserAsync(string exceptUser, string methodName, object?[] args)
    {
        var frame = Invocation(methodName, args);
        fanout.ToAll(frame, exceptUser: exceptUser);
        _bus?.Publish(new Audience(AudienceKind.All, [], exceptUser), frame);
        return Task.CompletedTask;
    }

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => throw GroupsUnused();

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => throw GroupsUnused();

    /// <summary>A hub message from another server, for this server's connections in <paramref name="audience"/>.</summary>
    public void DeliverFromCluster(Audience audience, Frame frame)
    {
        switch (audience.Kind)
        {
            case AudienceKind.All:
                fanout.ToAll(frame, audience.Names.Count == 0 ? null : audience.Names, audience.ExceptUser);
                break;
            case AudienceKind.Room:
                fanout.ToRoom(audience.Names[0], frame, audience.ExceptUser);
                break;
            case AudienceKind.Connections:
                fanout.ToConnections(audience.Names, frame);
                break;
            case AudienceKind.Users:
                fanout.ToUsers(audience.Names, frame);
                break;
        }
    }

    private static Frame Invocation(string methodName, object?[] args)
    {
        var size = 64 + methodName.Length;
        foreach (var arg in args)
        {
            size += arg switch
            {
                string text => text.Length,
                ChatMessage message => Frame.SizeOf(message),
                _ => 32,
            };
        }

        return Frame.Of(new InvocationMessage(methodName, args), size, methodName == nameof(IChatClient.ReceiveMessage) ? 1 : 0);
    }

    private static NotSupportedException GroupsUnused() =>
        new("Chat's groups are rooms, whose members are users: connections are not added to them one by one.");
}
