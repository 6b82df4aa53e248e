using System.Text.Json.Serialization;

namespace Chat.Client;

/// <summary>A stored chat message, as the hub sends it (docs/hub-contract.md).</summary>
/// <param name="Id">Assigned by the server: strictly increasing in commit order across all conversations, never reused.</param>
/// <param name="Room">
/// The conversation as its receiver sees it: <c>general</c>, a room name, or <c>@peer</c> for a direct conversation.
/// (Inside the server the same record carries the store's key of the conversation.)
/// </param>
/// <param name="SentAt">The commit time, in UTC, to the millisecond.</param>
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

/// <summary>One of the user's conversations, as <c>GetRooms</c> and <c>JoinRoom</c> return it.</summary>
/// <param name="Room">The conversation as the user sees it (<c>general</c>, a room, <c>@peer</c>).</param>
/// <param name="LastId">The newest message's id, or null when the conversation has none.</param>
/// <param name="Unread">Messages by others after the user's read marker.</param>
public sealed record RoomSummary(string Room, long? LastId, int Unread);

/// <summary>A room in the room directory (<c>ListRooms</c>).</summary>
public sealed record RoomListing(string Room, int Members);
