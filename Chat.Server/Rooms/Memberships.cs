using Chat.Server.Delivery;
using Chat.Server.History;
using Microsoft.Extensions.Options;

namespace Chat.Server.Rooms;

/// <summary>
/// Room membership belongs to users and lives in the store; this server keeps, for each user connected
/// here, which rooms they are in, so that room messages reach exactly their connections (see
/// <see cref="RoomIndex"/>). A user's rooms are read from the store when their first connection here opens,
/// before it is answered; joins and leaves change the store first (in turn with the commits), then this
/// server, then the others (over the cluster bus, which the others apply in the order it was published).
/// </summary>
internal sealed partial class Memberships(
    IHistoryStore store, HistoryWriter writer, RoomIndex index, IClusterBus bus, TimeProvider clock, IOptions<RoomOptions> options, ILogger<Memberships> logger)
{
    private readonly RoomOptions _limits = options.Value;

    /// <summary>Makes sure the rooms of <paramref name="user"/> (with a connection here) are known here, reading them from the store if not.</summary>
    public async Task LoadAsync(string user, CancellationToken cancellationToken)
    {
        try
        {
            while (!index.KnowsRoomsOf(user))
            {
                var version = index.RoomsVersion(user);
                var rooms = await store.ConversationsOfAsync(user, cancellationToken);
                if (index.SetRooms(user, rooms, version))
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The connection still works in general and direct conversations; its next hub call that needs its rooms reads them.
            LogLoadFailed(exception, user);
        }
    }

    /// <summary>Whether <paramref name="user"/> belongs to the conversation <paramref name="room"/> (a key of <see cref="Conversation"/>).</summary>
    public async Task<bool> IsMemberAsync(string user, string room, CancellationToken cancellationToken) =>
        Conversation.BelongsWithoutJoining(room, user)
        || (index.IsInRoom(user, room) ?? (await store.ConversationsOfAsync(user, cancellationToken)).Contains(room, StringComparer.Ordinal));

    public async Task<JoinOutcome> JoinAsync(string user, string room)
    {
        var limits = new JoinLimits(_limits.MaxPerUser, _limits.MaxRooms, _limits.CreatePerUserPerDay, clock.GetUtcNow().UtcDateTime);
        var outcome = await writer.RunAsync((history, cancellationToken) => history.JoinAsync(user, room, limits, cancellationToken));
        if (outcome is JoinOutcome.Joined or JoinOutcome.AlreadyMember)
        {
            index.Join(user, room);
            bus.PublishMembership(user, room, joined: true);
        }

        return outcome;
    }

    public async Task<bool> LeaveAsync(string user, string room)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var left = await writer.RunAsync((history, cancellationToken) => history.LeaveAsync(user, room, now, cancellationToken));
        index.Leave(user, room);
        bus.PublishMembership(user, room, joined: false);
        return left;
    }

    /// <summary>A join or leave on another server.</summary>
    public void Apply(string user, string room, bool joined)
    {
        if (joined)
        {
            index.Join(user, room);
        }
        else
        {
            index.Leave(user, room);
        }
    }

    /// <summary>The cluster bus was down, so joins and leaves on other servers may have been missed: reads the rooms of every user here again.</summary>
    public async Task ReloadAsync()
    {
        foreach (var user in index.LocalUsers())
        {
            var version = index.RoomsVersion(user);
            try
            {
                index.SetRooms(user, await store.ConversationsOfAsync(user, CancellationToken.None), version);
            }
            catch (Exception exception)
            {
                LogLoadFailed(exception, user);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read the rooms of {User}; their connections here get room messages once they are read")]
    private partial void LogLoadFailed(Exception exception, string user);
}
