using Chat.Server.Hubs;
using Chat.Server.Presence;
using Chat.Server.Rooms;
using Chat.Server.Rules;
using Chat.Server.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Options;

namespace Chat.Server.Delivery;

/// <summary>
/// SignalR's extension point for connections and for what the hub sends (<c>Clients.All</c>, <c>Clients.User</c>,
/// <c>Clients.Caller</c>...): connections are registered here, and every send is handed to the <see cref="Dispatcher"/>.
/// A SignalR group is a conversation: membership belongs to users (see <see cref="Memberships"/>), so connections are
/// never added to groups one by one.
/// </summary>
internal sealed class ChatLifetimeManager(
    ConnectionRegistry connections, RoomIndex rooms, Watchers watchers, Dispatcher dispatcher, ConnectionOwners owners, Refusals refusals,
    IOptions<ConnectionLimitOptions> limits)
    : HubLifetimeManager<ChatHub>
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        if (ConnectionUser.Refusal(connection) is { } refusal)
        {
            await RefuseAsync(connection, refusal);
            return;
        }

        var perUser = limits.Value.ConnectionsPerUser;
        if (connections.Add(connection, perUser) is not { } outbox)
        {
            await RefuseAsync(connection, new InputRejectedException(
                "too_many_connections",
                $"{connection.UserIdentifier} has {perUser} connections open on this server, the most one user may have (Chat:Limits:ConnectionsPerUser). Close a tab or a device, then reconnect."));
            return;
        }

        owners.Connected(connection);
        if (connection.UserIdentifier is { } user)
        {
            rooms.Connected(user, outbox);
        }
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        owners.Disconnected(connection);
        if (connections.Remove(connection) is not { } outbox)
        {
            return Task.CompletedTask;
        }

        watchers.Closed(outbox);
        if (connection.UserIdentifier is { } user)
        {
            rooms.Disconnected(user, outbox);
        }

        return Task.CompletedTask;
    }

    public override Task SendAllAsync(string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Audience.Everyone, methodName, args);

    public override Task SendAllExceptAsync(string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) =>
        Send(Audience.EveryoneExcept(excludedConnectionIds), methodName, args);

    public override Task SendConnectionAsync(string connectionId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Audience.Connections([connectionId]), methodName, args);

    public override Task SendConnectionsAsync(IReadOnlyList<string> connectionIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Audience.Connections(connectionIds), methodName, args);

    public override Task SendUserAsync(string userId, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Audience.User(userId), methodName, args);

    public override Task SendUsersAsync(IReadOnlyList<string> userIds, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Audience.Users(userIds), methodName, args);

    public override Task SendGroupAsync(string groupName, string methodName, object?[] args, CancellationToken cancellationToken = default) =>
        Send(Audience.Conversation(groupName), methodName, args);

    public override Task SendGroupsAsync(IReadOnlyList<string> groupNames, string methodName, object?[] args, CancellationToken cancellationToken = default)
    {
        foreach (var group in groupNames)
        {
            dispatcher.Send(Audience.Conversation(group), methodName, args);
        }

        return Task.CompletedTask;
    }

    public override Task SendGroupExceptAsync(string groupName, string methodName, object?[] args, IReadOnlyList<string> excludedConnectionIds, CancellationToken cancellationToken = default) => throw GroupsUnused();

    public override Task AddToGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => throw GroupsUnused();

    public override Task RemoveFromGroupAsync(string connectionId, string groupName, CancellationToken cancellationToken = default) => throw GroupsUnused();

    private Task Send(Audience audience, string methodName, object?[] args)
    {
        dispatcher.Send(audience, methodName, args);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A new connection is refused (the rules refuse its name, or its user has as many as one may): it is closed with the reason, in the words SignalR uses for a
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

    private static NotSupportedException GroupsUnused() =>
        new("Chat's groups are conversations, whose members are users: connections are not added to them one by one.");
}
