namespace Chat.Server.History;

/// <summary>A message accepted by the rules and waiting for the store to give it an id.</summary>
/// <param name="Room">The conversation's key, as in <see cref="ChatMessage.Room"/>.</param>
/// <param name="ClientMessageId">
/// Chosen by the sender to make a resend harmless: one message per (user, id), remembered for at least
/// <see cref="IMessageLog.ClientIdMemory"/> even after the message itself is gone.
/// </param>
/// <param name="ReplyTo">The message of the same conversation it answers (checked by the hub).</param>
/// <param name="Mentions">The users it mentions, resolved by the hub (<see cref="Rules.Mentions"/>).</param>
/// <param name="Files">The sender's unattached uploads it attaches (checked by the hub, and again in the commit).</param>
/// <param name="Bot">Posted by a bot (the server API): the message says so.</param>
public readonly record struct NewMessage(
    string Room, string User, string Text, string? ClientMessageId = null, long? ReplyTo = null, string[]? Mentions = null, ChatFile[]? Files = null, bool Bot = false);

/// <summary>What a store did with one <see cref="NewMessage"/>.</summary>
/// <param name="IsNew">
/// False when the sender's <see cref="NewMessage.ClientMessageId"/> was stored before: <paramref name="Message"/> is that first
/// message (a <see cref="ChatMessage.Tombstone"/> if it is gone), possibly of another conversation than the one asked for.
/// </param>
/// <param name="FilesTaken">
/// True when the message was not stored because one of its files was attached meanwhile (to another message of the same
/// commit, or of an earlier one): <paramref name="Message"/> is the message as it would have been, without an id.
/// </param>
public readonly record struct Appended(ChatMessage Message, bool IsNew, bool FilesTaken = false);

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

    /// <summary>The room is private and the user has no invite; nothing changed.</summary>
    NotInvited,

    /// <summary>The user is banned from the room; nothing changed.</summary>
    Banned,

    /// <summary>A room was to be created (<see cref="JoinLimits.Create"/>) but one of that name exists; nothing changed.</summary>
    RoomExists,
}

/// <summary>The limits a join is checked against (<c>Chat:Rooms:*</c>), when it happens, and how.</summary>
/// <param name="MayEnterPrivate">The user may join a private room without an invite (an admin).</param>
/// <param name="Create">Set when the room must be new (<c>CreateRoom</c>): how to make it. A join of a new room without it makes a public room.</param>
public readonly record struct JoinLimits(int MaxPerUser, int MaxRooms, int CreatePerUserPerDay, DateTime Now, bool MayEnterPrivate = false, RoomSettings? Create = null);

/// <summary>What a change does to a message.</summary>
public enum ChangeKind
{
    Edit,
    Delete,
    AddReaction,
    RemoveReaction,
}

/// <summary>
/// A change to message <paramref name="Id"/> of conversation <paramref name="Room"/> by <paramref name="User"/>, decided against
/// the message as stored, inside the commit (<see cref="MessageChanges"/>).
/// </summary>
/// <param name="Text">An edit's new text.</param>
/// <param name="Mentions">An edit's mentions, resolved by the hub.</param>
/// <param name="Emoji">A reaction's emoji (checked by the hub).</param>
/// <param name="MayDeleteAny">The user may delete others' messages there (an admin, a room's moderator).</param>
public readonly record struct MessageChange(
    ChangeKind Kind, string Room, long Id, string User, string? Text = null, string[]? Mentions = null, string? Emoji = null, bool MayDeleteAny = false);

/// <summary>What became of a <see cref="MessageChange"/>.</summary>
public enum ChangeOutcome
{
    /// <summary>Committed at the next position: <see cref="ChangeResult.Message"/> is the new state, with its version.</summary>
    Changed,

    /// <summary>Nothing to do (the same text, deleted again, a reaction already there or not there): nothing stored or sent.</summary>
    Unchanged,

    /// <summary>No message of that id in that conversation.</summary>
    NotFound,

    /// <summary>Someone else's message, and the user may not change it that way.</summary>
    NotAuthor,

    /// <summary>The message is deleted: it cannot be edited or reacted to.</summary>
    Deleted,

    /// <summary>The message has <see cref="MessageChanges.MaxEmoji"/> different emoji already.</summary>
    TooManyEmoji,

    /// <summary>The message has <see cref="MessageChanges.MaxReactions"/> reactions already.</summary>
    TooManyReactions,
}

/// <summary>What a store did with one <see cref="MessageChange"/>: the message as it is now (null when not found).</summary>
public readonly record struct ChangeResult(ChangeOutcome Outcome, ChatMessage? Message);

/// <summary>What one commit did: each new message's <see cref="Appended"/> and each change's <see cref="ChangeResult"/>, in the order given.</summary>
public readonly record struct Committed(Appended[] Appended, ChangeResult[] Changes);
