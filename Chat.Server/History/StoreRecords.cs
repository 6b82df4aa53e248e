namespace Chat.Server.History;

/// <summary>A message accepted by the rules and waiting for the store to give it an id.</summary>
/// <param name="Room">The conversation's key, as in <see cref="ChatMessage.Room"/>.</param>
/// <param name="ClientMessageId">
/// Chosen by the sender to make a resend harmless: one message per (user, id), remembered for at least
/// <see cref="IMessageLog.ClientIdMemory"/> even after the message itself is gone.
/// </param>
public readonly record struct NewMessage(string Room, string User, string Text, string? ClientMessageId = null);

/// <summary>What a store did with one <see cref="NewMessage"/>.</summary>
/// <param name="IsNew">
/// False when the sender's <see cref="NewMessage.ClientMessageId"/> was stored before: <paramref name="Message"/> is that first
/// message (a <see cref="ChatMessage.Tombstone"/> if it is gone), possibly of another conversation than the one asked for.
/// </param>
public readonly record struct Appended(ChatMessage Message, bool IsNew);

/// <summary>A user's read marker in one conversation, moved forward to <paramref name="Id"/>.</summary>
public readonly record struct ReadMark(string User, string Room, long Id);

/// <summary>How a join went.</summary>
public enum JoinOutcome
{
    Joined,
    AlreadyMember,

    /// <summary>The user is in <c>Chat:Rooms:MaxPerUser</c> rooms already; nothing changed.</summary>
    TooManyForUser,

    /// <summary>The room is new and <c>Chat:Rooms:MaxRooms</c> rooms exist already; nothing changed.</summary>
    TooManyRooms,

    /// <summary>The room is new and the user created <c>Chat:Rooms:CreatePerUserPerDay</c> rooms in the last 24 hours; nothing changed.</summary>
    TooManyCreated,
}

/// <summary>The limits a join is checked against (<c>Chat:Rooms:*</c>), and when it happens.</summary>
public readonly record struct JoinLimits(int MaxPerUser, int MaxRooms, int CreatePerUserPerDay, DateTime Now);
