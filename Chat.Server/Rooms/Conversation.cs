namespace Chat.Server.Rooms;

/// <summary>
/// Conversation keys as the store keeps them: <c>general</c>, a room name (<c>a-z 0-9 - _</c>), or
/// <c>@a\nb</c> for the direct conversation of users a and b (ordinal order; a user name has no control
/// characters, so the line feed cannot be part of one). Clients never see that key: each sees <c>@</c> + the other's name.
/// </summary>
public static class Conversation
{
    public const string General = "general";

    private const char Separator = '\n';

    /// <summary>The key of the direct conversation between <paramref name="one"/> and <paramref name="other"/> (either order; the same user twice: notes to self).</summary>
    public static string Direct(string one, string other) =>
        string.CompareOrdinal(one, other) <= 0 ? $"@{one}{Separator}{other}" : $"@{other}{Separator}{one}";

    public static bool IsDirect(string key) => key.StartsWith('@');

    /// <summary>The two users of a direct conversation's key; false for any other key.</summary>
    public static bool TryParseDirect(string key, out string first, out string second)
    {
        var separator = key.IndexOf(Separator, StringComparison.Ordinal);
        if (!IsDirect(key) || separator < 0)
        {
            first = second = "";
            return false;
        }

        first = key[1..separator];
        second = key[(separator + 1)..];
        return true;
    }

    /// <summary>
    /// True for the conversations a user belongs to without joining: <c>general</c>, and a direct conversation
    /// of which they are one of the two users. (Rooms need a membership.)
    /// </summary>
    public static bool BelongsWithoutJoining(string key, string user) =>
        key == General || (TryParseDirect(key, out var first, out var second) && (user == first || user == second));

    /// <summary>The name <paramref name="viewer"/> sees for <paramref name="key"/>: <c>@</c> + the other user for a direct conversation, else the key.</summary>
    public static string ForViewer(string key, string? viewer)
    {
        if (!TryParseDirect(key, out var first, out var second))
        {
            return key;
        }

        return "@" + (string.Equals(first, viewer, StringComparison.Ordinal) ? second : first);
    }

    /// <summary><paramref name="message"/> as <paramref name="viewer"/> should see it (the same object unless it is direct).</summary>
    public static ChatMessage ForViewer(ChatMessage message, string? viewer) =>
        IsDirect(message.Room) ? message with { Room = ForViewer(message.Room, viewer) } : message;
}
