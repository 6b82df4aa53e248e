namespace Chat.Server.History;

/// <summary>
/// When a conversation is trimmed to its newest <c>Chat:History:MaxMessages</c>: not at every commit (that would
/// rewrite its oldest page each time) but once it holds a step more, a sixteenth of the limit and at most 64 rows.
/// Both backends ask this after each append, with the conversation's count kept in the same commit.
/// </summary>
public sealed class Retention(int maxMessages)
{
    private readonly int _step = Math.Clamp(maxMessages / 16, 1, 64);

    public int MaxMessages => maxMessages;

    /// <summary>How many of the oldest messages to delete from a conversation that holds <paramref name="count"/> (0: none yet).</summary>
    public long Excess(long count) => count - maxMessages >= _step ? count - maxMessages : 0;
}

/// <summary>What a store knows, inside a join's transaction, that decides it.</summary>
/// <param name="IsMember">The user is in the room already.</param>
/// <param name="RoomsOfUser">Rooms (not direct conversations) the user is in.</param>
/// <param name="RoomExists">The room exists.</param>
/// <param name="Rooms">Rooms on the server.</param>
/// <param name="CreatedInLastDay">Rooms the user created in the 24 hours before the join.</param>
/// <param name="Private">The room exists and is private.</param>
/// <param name="Invited">The user has an invite to the room not yet used.</param>
/// <param name="BannedUntil">When the user's ban from the room ends (null: none; may be past).</param>
public readonly record struct JoinFacts(
    bool IsMember, long RoomsOfUser, bool RoomExists, long Rooms, long CreatedInLastDay, bool Private = false, bool Invited = false, DateTime? BannedUntil = null);

/// <summary>The rules of joining a room (<c>Chat:Rooms:*</c>), once for both backends.</summary>
public static class JoinPolicy
{
    /// <summary>What becomes of a join, given the facts: <see cref="JoinOutcome.Joined"/> when the store is to make the membership (and the room if new).</summary>
    public static JoinOutcome Decide(JoinFacts facts, JoinLimits limits) => facts switch
    {
        { RoomExists: true } when limits.Create is not null => JoinOutcome.RoomExists,
        { IsMember: true } => JoinOutcome.AlreadyMember,
        _ when facts.BannedUntil > limits.Now => JoinOutcome.Banned,
        _ when facts.RoomsOfUser >= limits.MaxPerUser => JoinOutcome.TooManyForUser,
        { RoomExists: true, Private: true, Invited: false } when !limits.MayEnterPrivate => JoinOutcome.NotInvited,
        { RoomExists: true } => JoinOutcome.Joined,
        _ when facts.Rooms >= limits.MaxRooms => JoinOutcome.TooManyRooms,
        _ when facts.CreatedInLastDay >= limits.CreatePerUserPerDay => JoinOutcome.TooManyCreated,
        _ => JoinOutcome.Joined,
    };
}
