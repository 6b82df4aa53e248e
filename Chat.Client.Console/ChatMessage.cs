namespace Chat.Client.Console;

/// <summary>A stored chat message as the hub sends it (SPEC sections 3 and 11).</summary>
/// <param name="Id">Assigned by the server: strictly increasing across all conversations, never reused, so it orders and de-duplicates.</param>
/// <param name="Room">The conversation as this client sees it: <c>general</c>, a room name, or <c>@peer</c>.</param>
/// <param name="SentAt">The commit time, in UTC.</param>
internal sealed record ChatMessage(long Id, string Room, string User, string Text, DateTime SentAt);

/// <summary>One of the user's conversations, as <c>GetRooms</c> and <c>JoinRoom</c> return it.</summary>
/// <param name="LastId">The newest message's id, or null when the conversation has none.</param>
/// <param name="Unread">Messages by others after the user's read marker.</param>
internal sealed record RoomSummary(string Room, long? LastId, int Unread);
