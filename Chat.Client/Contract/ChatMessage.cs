using System.Text.Json.Serialization;

namespace Chat.Client;

/// <summary>A stored chat message, as the hub sends it (docs/hub-contract.md).</summary>
/// <param name="Id">Assigned by the server: strictly increasing in commit order across all conversations, never reused.</param>
/// <param name="Room">
/// The conversation as its receiver sees it: <c>general</c>, a room name, or <c>@peer</c> for a direct conversation.
/// (Inside the server the same record carries the store's key of the conversation.)
/// </param>
/// <param name="SentAt">The commit time, in UTC, to the millisecond.</param>
/// <remarks>The fields after the first five are absent from the JSON while they have no value.</remarks>
public sealed record ChatMessage(long Id, string Room, string User, string Text, DateTime SentAt)
{
    /// <summary>The id of the message this one answers, in the same conversation.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ReplyTo { get; init; }

    /// <summary>Users mentioned in the text (<c>@name</c>), each once, in order of first mention.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string[]? Mentions { get; init; }

    /// <summary>When the text was last edited (UTC).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? EditedAt { get; init; }

    /// <summary>
    /// True for a message that was deleted or is gone (cleared, trimmed by retention: what a resend of its client message id
    /// gets back), with an empty <see cref="Text"/> and no reply, mentions, reactions or files.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Deleted { get; init; }

    /// <summary>Reactions: emoji in the order first added, each with its users in the order they reacted.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Reaction[]? Reactions { get; init; }

    /// <summary>The position of the message's latest change (an edit, a delete, a reaction); null while it is unchanged.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Version { get; init; }

    /// <summary>The files attached to the message (<c>POST /files</c>, then <see cref="MessageDraft.Files"/>); served at <c>/files/{id}/{name}</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ChatFile[]? Files { get; init; }

    /// <summary>True for a message posted by a bot (the server API); absent for people's messages.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Bot { get; init; }

    /// <summary>
    /// Where this state of the message is in the one sequence of messages and changes: its <see cref="Version"/>, or its id while
    /// unchanged. A client that keeps the highest position it has received catches up from it exactly.
    /// </summary>
    public long Position() => Version ?? Id;

    /// <summary>The stand-in for a message that is gone: its id, conversation, author and time, no text.</summary>
    public static ChatMessage Tombstone(long id, string room, string user, DateTime sentAt) => new(id, room, user, "", sentAt) { Deleted = true };
}

/// <summary>One emoji on a message and who added it.</summary>
/// <param name="Emoji">One emoji (a grapheme cluster: skin tones and joined sequences included).</param>
/// <param name="Users">In the order they reacted.</param>
public sealed record Reaction(string Emoji, string[] Users);

/// <summary>A message to post (<c>Post</c>).</summary>
/// <param name="Text">The text; commands (<c>/help</c>) work as in <c>SendToRoom</c>.</param>
/// <param name="ClientMessageId">Null, or 1 to 64 characters chosen by the client: a resend with the same id stores nothing new.</param>
/// <param name="ReplyTo">The id of a message of the same conversation, not deleted, that this one answers.</param>
/// <param name="Files">Up to 10 ids of files the sender uploaded (<c>POST /files</c>) and has not attached yet; the text may then be empty.</param>
public sealed record MessageDraft(string? Text, string? ClientMessageId = null, long? ReplyTo = null, string[]? Files = null);

/// <summary>An uploaded file, as <c>POST /files</c> answers and as <see cref="ChatMessage.Files"/> lists it.</summary>
/// <param name="Id">Chosen by the server; the file is served at <c>/files/{Id}/{Name}</c>.</param>
/// <param name="Name">The name it was uploaded under (no folders).</param>
/// <param name="Size">In bytes.</param>
/// <param name="ContentType">As the uploader declared it (served as such only when the content is a PNG, JPEG, GIF or WebP image).</param>
/// <param name="Width">An image's width in pixels, read from its header; null for other files.</param>
/// <param name="Height">An image's height in pixels; null for other files.</param>
public sealed record ChatFile(
    string Id,
    string Name,
    long Size,
    string ContentType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Width = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Height = null);

/// <summary>One of the user's conversations, as <c>GetRooms</c> and <c>JoinRoom</c> return it.</summary>
/// <param name="Room">The conversation as the user sees it (<c>general</c>, a room, <c>@peer</c>).</param>
/// <param name="LastId">The newest message's id, or null when the conversation has none.</param>
/// <param name="Unread">Messages by others after the user's read marker.</param>
/// <param name="Mentions">Unread messages that mention the user.</param>
public sealed record RoomSummary(string Room, long? LastId, int Unread, int Mentions = 0)
{
    /// <summary>Only members see the room in <c>ListRooms</c>, and only the invited may join it.</summary>
    public bool Private { get; init; }

    /// <summary>What the room is about, set by its owners; absent when none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Topic { get; init; }

    /// <summary>
    /// The user's role in the room: <c>owner</c>, <c>moderator</c> or <c>member</c> (<see cref="RoomRoles"/>); in <c>general</c>
    /// <c>member</c> (an admin: <c>owner</c>, as in every room); absent for a direct conversation.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; init; }
}

/// <summary>A room in the room directory (<c>ListRooms</c>): public rooms, and the private ones the caller is in or invited to.</summary>
public sealed record RoomListing(string Room, int Members)
{
    public bool Private { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Topic { get; init; }
}

/// <summary>How <c>CreateRoom</c> makes a room.</summary>
/// <param name="Private">Absent from <c>ListRooms</c> for non-members; joined only after <c>InviteToRoom</c>.</param>
/// <param name="Topic">Null, or up to <see cref="RoomRoles.MaxTopicLength"/> characters.</param>
public sealed record RoomSettings(bool Private = false, string? Topic = null);

/// <summary>The roles a user has in a room, by rank: an owner does all a moderator does and more.</summary>
public static class RoomRoles
{
    public const string Owner = "owner";
    public const string Moderator = "moderator";
    public const string Member = "member";

    /// <summary>The longest topic, in characters.</summary>
    public const int MaxTopicLength = 250;
}

/// <summary>One moderation act, as <c>GetModerationLog</c> returns it (newest first).</summary>
/// <param name="Id">Increasing in the order the acts were done.</param>
/// <param name="Action"><c>delete</c>, <c>mute</c>, <c>kick</c>, <c>ban</c>, <c>unban</c>, <c>invite</c>, <c>role</c> or <c>topic</c>.</param>
/// <param name="Target">The user acted on (a deleted message's author); absent for <c>topic</c>.</param>
/// <param name="Until">When a ban or mute ends (UTC); absent for one until lifted. A lifted mute has its <c>until</c> at the moment it was lifted.</param>
/// <param name="At">When it was done (UTC).</param>
public sealed record ModerationEntry(
    long Id,
    string Room,
    string Actor,
    string Action,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Target,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTime? Until,
    DateTime At)
{
    /// <summary>For <c>delete</c>: the message's id.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MessageId { get; init; }

    /// <summary>For <c>role</c>: the role given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; init; }

    /// <summary>For <c>topic</c>: the topic set (absent when cleared).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Topic { get; init; }
}
