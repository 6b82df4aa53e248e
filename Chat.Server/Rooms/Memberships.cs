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
    IHistoryStore store,
    HistoryWriter writer,
    RoomIndex index,
    RoomRulesCache rules,
    IClusterBus bus,
    TimeProvider clock,
    IOptions<RoomOptions> options,
    ILogger<Memberships> logger)
{
    private readonly RoomOptions _limits = options.Value;

    /// <summary>The limits of rooms (<c>Chat:Rooms:*</c>).</summary>
    public RoomOptions Limits => _limits;

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

    /// <summary>
    /// Makes <paramref name="user"/> a member of <paramref name="room"/>; with <paramref name="create"/>, only when the room is new (made so).
    /// <paramref name="admin"/>: may join a private room without an invite.
    /// </summary>
    public async Task<JoinOutcome> JoinAsync(string user, string room, bool admin = false, RoomSettings? create = null)
    {
        var limits = new JoinLimits(_limits.MaxPerUser, _limits.MaxRooms, _limits.CreatePerUserPerDay, clock.GetUtcNow().UtcDateTime, admin, create);
        var outcome = await writer.RunAsync((history, cancellationToken) => history.JoinAsync(user, room, limits, cancellationToken));
        if (outcome is JoinOutcome.Joined or JoinOutcome.AlreadyMember)
        {
            index.Join(user, room);
            bus.PublishMembership(user, room, joined: true);
        }

        return outcome;
    }

    /// <summary>
    /// Does a moderation act (in turn with the commits) and, when done, makes it hold everywhere: a kick or ban takes the user's
    /// connections out of the room here and on every node (as a leave does), and every node reads the room's rules again.
    /// </summary>
    public async Task<ModerationResult> ModerateAsync(ModerationAct act)
    {
        var result = await writer.RunAsync((history, cancellationToken) => history.ModerateAsync(act, cancellationToken));
        if (result.Outcome != ModerationOutcome.Done)
        {
            return result;
        }

        if (act.Action is ModerationAction.Kick or ModerationAction.Ban && act.Target is { } target)
        {
            index.Leave(target, act.Room);
            bus.PublishMembership(target, act.Room, joined: false);
        }

        rules.Forget(act.Room);
        bus.PublishRoomChanged(act.Room);
        return result;
    }

    /// <summary>Rooms removed (with their rules): a room made again under one of their names starts afresh here and on every node.</summary>
    public void RoomsRemoved(IEnumerable<string> rooms)
    {
        foreach (var room in rooms)
        {
            rules.Forget(room);
            bus.PublishRoomChanged(room);
        }
    }

    /// <summary>A room's rules changed on another server.</summary>
    public void RoomChanged(string room) => rules.Forget(room);

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

    /// <summary>
    /// The cluster bus was down, so joins, leaves and moderation on other servers may have been missed: reads the rooms of every user
    /// here again, and every room's rules when next needed.
    /// </summary>
    public async Task ReloadAsync()
    {
        rules.ForgetAll();
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
