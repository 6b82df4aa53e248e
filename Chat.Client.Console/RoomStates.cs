using System.Globalization;

namespace Chat.Client.Console;

/// <summary>
/// The topic, privacy and role of each of the user's rooms as last known here (from <c>GetRooms</c>, <c>JoinRoom</c>,
/// <c>CreateRoom</c> and <c>RoomChanged</c>), to tell what a <c>RoomChanged</c> changed: <c>* #dev topic: Shipping v2</c>,
/// <c>* you are now moderator in #dev</c>. Also how a room reads in <c>/rooms</c> and a moderation act in <c>/modlog</c>.
/// </summary>
internal sealed class RoomStates
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, RoomSummary> _known = new(StringComparer.Ordinal);

    /// <summary>Remembers the rooms' topics, privacy and roles as the server now says they are.</summary>
    public void Know(params IEnumerable<RoomSummary> rooms)
    {
        lock (_gate)
        {
            foreach (var room in rooms)
            {
                _known[room.Room] = room;
            }
        }
    }

    /// <summary>
    /// A <c>RoomChanged</c>: a line for each of the topic and the user's role that differs from what was known (a room not
    /// known here is taken as one with no topic where the user is a member); remembers the new state.
    /// </summary>
    public IReadOnlyList<string> Changed(RoomSummary summary)
    {
        RoomSummary? before;
        lock (_gate)
        {
            _known.TryGetValue(summary.Room, out before);
            _known[summary.Room] = summary;
        }

        var room = MessageLines.Printable(Conversations.Display(summary.Room));
        var lines = new List<string>();
        if (summary.Topic != before?.Topic)
        {
            lines.Add(summary.Topic is null ? $"* {room} topic cleared" : $"* {room} topic: {MessageLines.Printable(summary.Topic)}");
        }

        if (summary.Role is { } role && role != (before?.Role ?? RoomRoles.Member))
        {
            lines.Add($"* you are now {MessageLines.Printable(role)} in {room}");
        }

        return lines;
    }

    /// <summary>A conversation in <c>/rooms</c>: <c>* #plans (private) "Shipping v2": 2 unread (current)</c>.</summary>
    public static string Listed(RoomSummary room, bool current) =>
        $"* {MessageLines.Printable(Conversations.Display(room.Room))}{(room.Private ? " (private)" : "")}" +
        $"{(room.Topic is { } topic ? $" \"{MessageLines.Printable(topic)}\"" : "")}: {room.Unread} unread{(current ? " (current)" : "")}";

    /// <summary>
    /// One moderation act, in the local time of <paramref name="clock"/>: <c>[HH:mm] alice ban bob until 2026-12-08 10:00</c>,
    /// <c>[HH:mm] alice mute bob until lifted</c>, <c>[HH:mm] alice role bob moderator</c>, <c>[HH:mm] alice topic "Shipping v2"</c>.
    /// </summary>
    public static string Logged(ModerationEntry entry, TimeProvider clock)
    {
        var target = entry.Target is { } user ? " " + MessageLines.Printable(user) : "";
        var what = entry.Action switch
        {
            "ban" => $"ban{target} {Until(entry.Until, clock)}",
            "mute" when entry.Until is { } until && until <= entry.At => $"mute{target} lifted",
            "mute" => $"mute{target} {Until(entry.Until, clock)}",
            "role" => $"role{target} {MessageLines.Printable(entry.Role ?? "")}".TrimEnd(),
            "topic" => entry.Topic is { } topic ? $"topic \"{MessageLines.Printable(topic)}\"" : "topic cleared",
            "delete" => $"delete{(entry.MessageId is { } id ? $" message {id}" : "")}{(entry.Target is null ? "" : " by" + target)}",
            var action => MessageLines.Printable(action) + target,
        };
        return string.Create(CultureInfo.InvariantCulture, $"[{Local(entry.At, clock):HH:mm}] {MessageLines.Printable(entry.Actor)} {what}");
    }

    private static string Until(DateTime? until, TimeProvider clock) =>
        until is { } end ? string.Create(CultureInfo.InvariantCulture, $"until {Local(end, clock):yyyy-MM-dd HH:mm}") : "until lifted";

    private static DateTime Local(DateTime time, TimeProvider clock) =>
        TimeZoneInfo.ConvertTimeFromUtc(time.Kind == DateTimeKind.Local ? time.ToUniversalTime() : DateTime.SpecifyKind(time, DateTimeKind.Utc), clock.LocalTimeZone);
}
