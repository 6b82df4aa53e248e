using Chat.Server.Rooms;

namespace Chat.Server.Rules;

/// <summary>What a conversation a client names must look like, and the key the store keeps it under.</summary>
public static class RoomNames
{
    public const int MaxLength = 32;

    /// <summary>
    /// The conversation <paramref name="caller"/> means by <paramref name="name"/>: <c>general</c>, a room (taken in
    /// lower case, without a leading <c>#</c>), or <c>@user</c> (their direct conversation). Throws for a name the
    /// rules refuse, and for anything but <c>general</c> from a guest (null <paramref name="caller"/>).
    /// </summary>
    public static string Resolve(string? name, string? caller)
    {
        if (name is ['@', .. var peer])
        {
            RequireName(caller);
            string user;
            try
            {
                user = UserNames.Normalize(peer);
            }
            catch (InputRejectedException invalid)
            {
                throw new InputRejectedException("invalid_peer", $"@{Shorten(peer)} is not a user to write to: {invalid.Message}");
            }

            return Conversation.Direct(caller!, user);
        }

        var room = Room(name);
        if (room != Conversation.General)
        {
            RequireName(caller);
        }

        return room;
    }

    /// <summary>A room name (not a direct conversation) in its stored form; throws unless it follows the rules.</summary>
    public static string Room(string? name)
    {
        var room = (name ?? "").TrimStart('#').ToLowerInvariant();
        if (room.Length is 0 or > MaxLength || !char.IsAsciiLetterOrDigit(room[0]) || !room.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
        {
            throw new InputRejectedException(
                "invalid_room",
                $"'{Shorten(name ?? "")}' is not a room name: use 1 to {MaxLength} characters of a-z, 0-9, - and _, starting with a letter or digit.");
        }

        return room;
    }

    /// <summary>Throws for a guest: only <c>general</c> is theirs.</summary>
    public static void RequireName(string? caller)
    {
        if (caller is null)
        {
            throw new InputRejectedException("guest_room", "Guests can only use #general; connect with a name (or sign in) for rooms and direct messages.");
        }
    }

    /// <summary>How a client sees a conversation in messages: <c>#dev</c>, <c>#general</c>, <c>@bob</c>.</summary>
    public static string Shown(string key, string? viewer) => Conversation.IsDirect(key) ? Conversation.ForViewer(key, viewer) : "#" + key;

    private static string Shorten(string name) => name.Length <= 40 ? name : string.Concat(name.AsSpan(0, 40), "…");
}
