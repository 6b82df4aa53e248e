using System.Text.Json.Serialization;

namespace Chat.Server.History;

/// <summary>A stored chat message. Over the wire it goes as seen by its receiver (<see cref="Rooms.Conversation.ForViewer"/>).</summary>
/// <param name="Id">Assigned by the store: strictly increasing in commit order across all conversations, never reused.</param>
/// <param name="Room">
/// The conversation's key: <c>general</c>, a room name, or for a direct conversation <c>@a\nb</c> with the two
/// names in ordinal order (<see cref="Rooms.Conversation.Direct"/>); clients see that one as <c>@</c> + the other's name.
/// </param>
/// <param name="SentAt">The commit time, in UTC.</param>
public sealed record ChatMessage(long Id, string Room, string User, string Text, DateTime SentAt)
{
    /// <summary>
    /// True for a message that is gone (cleared, trimmed by retention): what a resend of its client message id gets
    /// back, with an empty <see cref="Text"/>. Absent from the JSON while false.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Deleted { get; init; }

    /// <summary>The stand-in for a message that is gone: its id, conversation, author and time, no text.</summary>
    public static ChatMessage Tombstone(long id, string room, string user, DateTime sentAt) => new(id, room, user, "", sentAt) { Deleted = true };
}

/// <summary>A message accepted by the rules and waiting for the store to give it an id.</summary>
/// <param name="Room">The conversation's key, as in <see cref="ChatMessage.Room"/>.</param>
/// <param name="ClientMessageId">
/// Chosen by the sender to make a resend harmless: one message per (user, id), remembered for at least
/// <see cref="IHistoryStore.ClientIdMemory"/> even after the message itself is gone.
/// </param>
public readonly record struct NewMessage(string Room, string User, string Text, string? ClientMessageId = null);

/// <summary>What a store did with one <see cref="NewMessage"/>.</summary>
/// <param name="IsNew">
/// False when the sender's <see cref="NewMessage.ClientMessageId"/> was stored before: <paramref name="Message"/> is that first
/// message (a <see cref="ChatMessage.Tombstone"/> if it is gone), possibly of another conversation than the one asked for.
/// </param>
public readonly record struct Appended(ChatMessage Message, bool IsNew);

/// <summary>One of a user's conversations, for the conversation list.</summary>
/// <param name="Room">The conversation's key in the store; the hub shows it as its viewer sees it.</param>
/// <param name="LastId">The newest message's id, or null when the conversation has none.</param>
/// <param name="Unread">Messages after the user's read marker, not counting the user's own.</param>
public sealed record RoomSummary(string Room, long? LastId, int Unread);

/// <summary>A room in the room directory.</summary>
public sealed record RoomListing(string Room, int Members);

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
