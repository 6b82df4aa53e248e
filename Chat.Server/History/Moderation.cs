namespace Chat.Server.History;

/// <summary>What a moderation act does (SPEC section 15); the log's <c>action</c> is its lower-case name.</summary>
public enum ModerationAction
{
    Delete,
    Mute,
    Kick,
    Ban,
    Unban,
    Invite,
    Role,
    Topic,
}

/// <summary>
/// An act of <paramref name="Actor"/> on room <paramref name="Room"/>, decided by <see cref="ModerationRules.Decide"/> against what the
/// store holds inside the act's transaction, and kept in the room's moderation log when it changes something.
/// </summary>
/// <param name="ActorIsAdmin">The actor is an admin: an owner of every room, above its owners.</param>
/// <param name="Target">The user acted on (not for <see cref="ModerationAction.Topic"/>).</param>
/// <param name="Until">A ban's or mute's end; <see cref="ModerationRules.Forever"/> until lifted; a mute's end at or before <paramref name="Now"/> lifts it.</param>
/// <param name="Role">For <see cref="ModerationAction.Role"/>: one of <see cref="RoomRoles"/>.</param>
/// <param name="Topic">For <see cref="ModerationAction.Topic"/>: the new topic, null for none.</param>
public readonly record struct ModerationAct(
    ModerationAction Action, string Room, string Actor, bool ActorIsAdmin, DateTime Now, string? Target = null, DateTime? Until = null, string? Role = null, string? Topic = null);

/// <summary>What a store knows, inside the act's transaction, that decides it.</summary>
/// <param name="ActorRole">The actor's role in the room (null: a plain member, or not in it).</param>
/// <param name="TargetRole">The target's role (null: a plain member, or not in it).</param>
/// <param name="TargetInvited">The target has an invite not yet used.</param>
/// <param name="TargetBan">When the target's ban ends (null: never banned or lifted; may be past).</param>
/// <param name="TargetMute">When the target's mute ends (null: never muted or lifted; may be past).</param>
/// <param name="Owners">How many owners the room has.</param>
/// <param name="Invites">How many invites to the room are not yet used.</param>
public readonly record struct ModerationFacts(
    bool RoomExists, string? Topic, string? ActorRole, string? TargetRole, bool TargetIsMember, bool TargetInvited, DateTime? TargetBan, DateTime? TargetMute, long Owners, long Invites = 0);

/// <summary>How an act went.</summary>
public enum ModerationOutcome
{
    /// <summary>Done and logged: <see cref="ModerationResult.Entry"/> is the log's entry.</summary>
    Done,

    /// <summary>Nothing to do (the same topic or role, an invite already there, no ban or mute to lift): nothing stored.</summary>
    Unchanged,

    /// <summary>There is no such room.</summary>
    NoRoom,

    /// <summary>The actor's role does not allow the act.</summary>
    NotAllowed,

    /// <summary>The target's role is as high as the actor's (or the target is the actor).</summary>
    Outranked,

    /// <summary>The target is not in the room (a kick, a role).</summary>
    NotMember,

    /// <summary>An invite for a user in the room already.</summary>
    AlreadyMember,

    /// <summary>An invite for a user banned from the room.</summary>
    TargetBanned,

    /// <summary>The room's only owner would stop being one.</summary>
    LastOwner,

    /// <summary>The room has <see cref="ModerationRules.MaxOpenInvites"/> invites not yet used.</summary>
    TooManyInvites,
}

/// <summary>What became of a <see cref="ModerationAct"/>, with the log's entry when it was done.</summary>
public readonly record struct ModerationResult(ModerationOutcome Outcome, ModerationEntry? Entry = null);

/// <summary>What the hub checks on every post, edit and reaction in a room, and shows in summaries: read once, kept in memory (<see cref="Rooms.RoomRulesCache"/>).</summary>
/// <param name="Roles">Users with a role above member.</param>
/// <param name="Bans">Users banned, with the end (past ends may be among them).</param>
/// <param name="Mutes">Users muted, with the end (past ends may be among them).</param>
public sealed record RoomRules(bool Private, string? Topic, IReadOnlyDictionary<string, string> Roles, IReadOnlyDictionary<string, DateTime> Bans, IReadOnlyDictionary<string, DateTime> Mutes)
{
    /// <summary>The rules of <c>general</c>, direct conversations and rooms that do not exist: nobody has a role, nobody is kept out.</summary>
    public static readonly RoomRules None = new(false, null, new Dictionary<string, string>(), new Dictionary<string, DateTime>(), new Dictionary<string, DateTime>());

    public string RoleOf(string user) => Roles.GetValueOrDefault(user, RoomRoles.Member);

    public DateTime? MutedUntil(string user, DateTime now) => Mutes.TryGetValue(user, out var end) && end > now ? end : null;

    public DateTime? BannedUntil(string user, DateTime now) => Bans.TryGetValue(user, out var end) && end > now ? end : null;
}

/// <summary>The rules of roles and moderation (SPEC section 15), once for both stores.</summary>
public static class ModerationRules
{
    /// <summary>The end a ban or mute "until lifted" is stored with (both stores keep an end; this one never comes).</summary>
    public static readonly DateTime Forever = new(9999, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Most invites not yet used that one room may have (each is a stored row).</summary>
    public const int MaxOpenInvites = 1000;

    /// <summary>How many of its newest moderation acts a room's log keeps.</summary>
    public const int MaxLogEntries = 10_000;

    /// <summary>How far a role reaches: a user acts on users of lower rank only.</summary>
    public static int Rank(string? role, bool admin = false) => admin ? 3 : role switch
    {
        RoomRoles.Owner => 2,
        RoomRoles.Moderator => 1,
        _ => 0,
    };

    /// <summary>What becomes of <paramref name="act"/>, given <paramref name="facts"/>: <see cref="ModerationOutcome.Done"/> when the store is to do it.</summary>
    public static ModerationOutcome Decide(ModerationAct act, ModerationFacts facts)
    {
        if (!facts.RoomExists)
        {
            return ModerationOutcome.NoRoom;
        }

        var actor = Rank(facts.ActorRole, act.ActorIsAdmin);
        var target = Rank(facts.TargetRole);
        var self = act.Target == act.Actor;
        switch (act.Action)
        {
            case ModerationAction.Topic:
                return actor < 2 ? ModerationOutcome.NotAllowed : facts.Topic == act.Topic ? ModerationOutcome.Unchanged : ModerationOutcome.Done;

            case ModerationAction.Role:
                if (actor < 2)
                {
                    return ModerationOutcome.NotAllowed;
                }

                if (!facts.TargetIsMember)
                {
                    return ModerationOutcome.NotMember;
                }

                if (!self && target >= actor)
                {
                    return ModerationOutcome.Outranked; // an owner makes and unmakes moderators; only an admin demotes another owner
                }

                if ((facts.TargetRole ?? RoomRoles.Member) == act.Role)
                {
                    return ModerationOutcome.Unchanged;
                }

                // A room keeps an owner, unless an admin (an owner of every room) says otherwise.
                return facts.TargetRole == RoomRoles.Owner && facts.Owners <= 1 && !act.ActorIsAdmin ? ModerationOutcome.LastOwner : ModerationOutcome.Done;
        }

        if (actor < 1)
        {
            return ModerationOutcome.NotAllowed;
        }

        var banned = facts.TargetBan > act.Now;
        switch (act.Action)
        {
            case ModerationAction.Invite:
                return banned ? ModerationOutcome.TargetBanned
                    : facts.TargetIsMember ? ModerationOutcome.AlreadyMember
                    : facts.TargetInvited ? ModerationOutcome.Unchanged
                    : facts.Invites >= MaxOpenInvites ? ModerationOutcome.TooManyInvites
                    : ModerationOutcome.Done;

            case ModerationAction.Unban:
                return banned ? ModerationOutcome.Done : ModerationOutcome.Unchanged;

            case ModerationAction.Kick when !facts.TargetIsMember:
                return ModerationOutcome.NotMember;

            case ModerationAction.Mute when act.Until <= act.Now:
                return self || target >= actor ? ModerationOutcome.Outranked : facts.TargetMute > act.Now ? ModerationOutcome.Done : ModerationOutcome.Unchanged;

            default:
                return self || target >= actor ? ModerationOutcome.Outranked : ModerationOutcome.Done;
        }
    }

    /// <summary>The log's entry for an act that was done, before the store gives it its id.</summary>
    public static ModerationEntry Entry(ModerationAct act) => new(
        0,
        act.Room,
        act.Actor,
        act.Action.ToString().ToLowerInvariant(),
        act.Target,
        act.Action is ModerationAction.Ban or ModerationAction.Mute ? Shown(act.Until <= act.Now ? act.Now : act.Until) : null,
        act.Now)
    {
        Role = act.Action == ModerationAction.Role ? act.Role : null,
        Topic = act.Action == ModerationAction.Topic ? act.Topic : null,
    };

    /// <summary>The log's entry for a delete of <paramref name="author"/>'s message by someone else (a moderator, an admin), kept in the delete's commit.</summary>
    public static ModerationEntry DeleteEntry(MessageChange change, string author, DateTime now) =>
        new(0, change.Room, change.User, "delete", author, null, now) { MessageId = change.Id };

    /// <summary>A stored end as the contract shows it: null for one until lifted.</summary>
    public static DateTime? Shown(DateTime? end) => end >= Forever ? null : end;
}
