namespace Chat.Client.Console;

/// <summary>A stored chat message as the hub sends it (SPEC section 3).</summary>
/// <param name="Id">Assigned by the server: strictly increasing, never reused, so it orders and de-duplicates.</param>
/// <param name="SentAt">The commit time, in UTC.</param>
internal sealed record ChatMessage(long Id, string User, string Text, DateTime SentAt);
