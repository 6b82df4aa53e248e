namespace Chat.Server.History;

/// <summary>A stored chat message, exactly as it goes over the wire.</summary>
/// <param name="Id">Assigned by the store: strictly increasing in commit order, never reused.</param>
/// <param name="SentAt">The commit time, in UTC.</param>
public sealed record ChatMessage(long Id, string User, string Text, DateTime SentAt);

/// <summary>A message accepted by the rules and waiting for the store to give it an id.</summary>
public readonly record struct NewMessage(string User, string Text);
