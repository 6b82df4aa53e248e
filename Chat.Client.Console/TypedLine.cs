using System.Globalization;

namespace Chat.Client.Console;

/// <summary>
/// What a line typed at the prompt asks for: one of the client's own commands (conversations, replies, edits, deletes,
/// reactions, searches, and the rooms' moderation), or text (a message, or a server command such as <c>/who</c>) for the current conversation.
/// </summary>
internal abstract record TypedLine
{
    private TypedLine()
    {
    }

    /// <summary>Text for the current conversation; the server decides whether it is a message or a command.</summary>
    public sealed record Text(string Value) : TypedLine;

    /// <summary><c>/join NAME</c>: join the room and make it current. The name goes as typed: the server takes <c>Dev</c> and <c>#dev</c> as <c>dev</c>, and its refusals quote what was typed.</summary>
    public sealed record Join(string Room) : TypedLine;

    /// <summary><c>/leave NAME</c>.</summary>
    public sealed record Leave(string Room) : TypedLine;

    /// <summary><c>/rooms</c>: the user's conversations with their unread counts.</summary>
    public sealed record Rooms : TypedLine;

    /// <summary><c>/go NAME</c>: make a joined room, <c>general</c> or <c>@user</c> current.</summary>
    public sealed record Go(string Room) : TypedLine;

    /// <summary><c>/msg USER TEXT</c>: a direct message, without changing the current conversation.</summary>
    public sealed record DirectMessage(string Room, string Value) : TypedLine;

    /// <summary><c>/reply TEXT</c>: answer the last message of the current conversation.</summary>
    public sealed record Reply(string Value) : TypedLine;

    /// <summary><c>/edit TEXT</c>: replace the text of one's own last message in the current conversation.</summary>
    public sealed record Edit(string Value) : TypedLine;

    /// <summary><c>/delete</c>: delete one's own last message in the current conversation.</summary>
    public sealed record Delete : TypedLine;

    /// <summary><c>/react EMOJI</c>: react to the last message of the current conversation.</summary>
    public sealed record React(string Emoji) : TypedLine;

    /// <summary><c>/search QUERY</c>: the messages of every conversation the user can read that match, newest first; the server reads the query (and refuses an empty one).</summary>
    public sealed record Search(string Query) : TypedLine;

    /// <summary><c>/upload PATH [TEXT]</c>: uploads the file and sends it to the current conversation, with the text if any.</summary>
    public sealed record Upload(string Path, string Value) : TypedLine;

    /// <summary><c>/create NAME [--private] [TOPIC...]</c>: create a room (public unless <c>--private</c>), the user its owner, and make it current. The name goes as typed, as for <see cref="Join"/>.</summary>
    public sealed record Create(string Room, bool Private, string? Topic) : TypedLine;

    /// <summary><c>/invite USER</c>: let the user join the current room (a private room needs it).</summary>
    public sealed record Invite(string User) : TypedLine;

    /// <summary><c>/kick USER</c>: take a member out of the current room; they may join again.</summary>
    public sealed record Kick(string User) : TypedLine;

    /// <summary><c>/ban USER [MINUTES]</c>: take the user out of the current room and keep them out for that long (null: until lifted).</summary>
    public sealed record Ban(string User, int? Minutes) : TypedLine;

    /// <summary><c>/unban USER</c>: lift the user's ban from the current room.</summary>
    public sealed record Unban(string User) : TypedLine;

    /// <summary><c>/mute USER [MINUTES]</c>: keep the user from posting in the current room for that long (null: until lifted; 0: lifts the mute).</summary>
    public sealed record Mute(string User, int? Minutes) : TypedLine;

    /// <summary><c>/topic TEXT</c>: set the current room's topic (null: clear it).</summary>
    public sealed record SetTopic(string? Value) : TypedLine;

    /// <summary><c>/role USER owner|moderator|member</c>: give a member of the current room a role.</summary>
    public sealed record Role(string User, string Name) : TypedLine;

    /// <summary><c>/modlog</c>: the current room's newest moderation acts, newest first.</summary>
    public sealed record ModerationLog : TypedLine;

    /// <summary><c>/help</c>: the console's commands, then the server's.</summary>
    public sealed record Help : TypedLine;

    /// <summary>One of the commands above, used wrongly: <see cref="Message"/> says how to use it.</summary>
    public sealed record Usage(string Message) : TypedLine;

    /// <summary><c>PATH [TEXT]</c>, or <c>"PATH WITH SPACES" [TEXT]</c>.</summary>
    private static TypedLine UploadOf(string argument)
    {
        const string usage = "/upload needs a file, e.g. /upload ~/shot.png here it is (quote a path with spaces: /upload \"my notes.txt\").";
        if (argument.StartsWith('"'))
        {
            var close = argument.IndexOf('"', 1);
            return close <= 1 ? new Usage(usage) : new Upload(argument[1..close], argument[(close + 1)..].Trim());
        }

        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 0 ? new Usage(usage) : new Upload(parts[0], parts.Length == 2 ? parts[1] : "");
    }

    /// <summary><c>NAME [--private] [TOPIC...]</c>: a room, not <c>@user</c>.</summary>
    private static TypedLine CreateOf(string argument)
    {
        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0 || parts[0].StartsWith("--", StringComparison.Ordinal))
        {
            return new Usage("/create needs a room name, e.g. /create dev, /create plans --private or /create dev --private what we ship next.");
        }

        if (Conversations.IsDirect(parts[0]))
        {
            return new Usage($"/create makes a room; {parts[0]} is a direct conversation, which needs no creating: /msg {parts[0][1..]} hello.");
        }

        var rest = parts.Length == 2 ? parts[1] : "";
        var isPrivate = rest == PrivateOption || rest.StartsWith(PrivateOption + " ", StringComparison.Ordinal);
        var topic = (isPrivate ? rest[PrivateOption.Length..] : rest).Trim();
        return new Create(parts[0], isPrivate, topic.Length == 0 ? null : topic);
    }

    private const string PrivateOption = "--private";

    /// <summary>
    /// The user a moderation command names, first in <paramref name="argument"/>: <c>bob</c>, <c>@bob</c>, or <c>"ann lee"</c>
    /// (quoted: names may hold spaces); the rest after it, or null when there is no user.
    /// </summary>
    private static (string User, string After)? UserOf(string argument)
    {
        if (argument.StartsWith('"'))
        {
            var close = argument.IndexOf('"', 1);
            return close <= 1 ? null : (Conversations.Direct(argument[1..close])[1..], argument[(close + 1)..].Trim());
        }

        var parts = argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 0 || parts[0] == "@" ? null : (Conversations.Direct(parts[0])[1..], parts.Length == 2 ? parts[1] : "");
    }

    /// <summary><c>/invite</c>, <c>/kick</c> and <c>/unban</c>: one user and nothing else.</summary>
    private static TypedLine OneUser(string command, string argument, Func<string, TypedLine> make) =>
        UserOf(argument) is (var user, "")
            ? make(user)
            : new Usage($"{command} needs one user, e.g. {command} bob (quote a name with spaces: {command} \"ann lee\").");

    /// <summary><c>/ban</c> and <c>/mute</c>: a user, then minutes or nothing (until lifted); <paramref name="least"/> is the fewest minutes.</summary>
    private static TypedLine Sanction(string command, string argument, int least, Func<string, int?, TypedLine> make)
    {
        var usage = least == 0
            ? $"{command} needs a user and, if it is to end, minutes: {command} bob (until lifted), {command} bob 30, or {command} bob 0 to lift it."
            : $"{command} needs a user and, if it is to end, minutes: {command} bob (until lifted) or {command} bob 30.";
        return UserOf(argument) switch
        {
            (var user, "") => make(user, null),
            (var user, var rest) when int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var minutes) && minutes >= least => make(user, minutes),
            _ => new Usage(usage),
        };
    }

    /// <summary><c>USER owner|moderator|member</c>.</summary>
    private static TypedLine RoleOf(string argument) =>
        UserOf(argument) is (var user, var role) && role.ToLowerInvariant() is RoomRoles.Owner or RoomRoles.Moderator or RoomRoles.Member
            ? new Role(user, role.ToLowerInvariant())
            : new Usage("/role needs a member and a role, one of owner, moderator or member, e.g. /role bob moderator.");

    public static TypedLine Parse(string line)
    {
        var trimmed = line.Trim();
        var parts = trimmed.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var argument = parts.Length == 2 ? parts[1] : "";
        return parts.FirstOrDefault()?.ToLowerInvariant() switch
        {
            "/join" => argument.Length == 0 ? new Usage("/join needs a room name, e.g. /join dev.") : new Join(argument),
            "/leave" => argument.Length == 0 ? new Usage("/leave needs a room name, e.g. /leave dev.") : new Leave(Conversations.Parse(argument)),
            "/rooms" => new Rooms(),
            "/go" => argument.Length == 0 ? new Usage("/go needs a conversation, e.g. /go dev, /go @bob or /go general.") : new Go(Conversations.Parse(argument)),
            "/msg" => argument.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is [var user, var text]
                ? new DirectMessage(Conversations.Direct(user), text)
                : new Usage("/msg needs a user and a message, e.g. /msg bob hello."),
            "/reply" => argument.Length == 0 ? new Usage("/reply needs your answer, e.g. /reply sounds good.") : new Reply(argument),
            "/edit" => argument.Length == 0 ? new Usage("/edit needs the new text, e.g. /edit see you at ten.") : new Edit(argument),
            "/delete" => argument.Length == 0 ? new Delete() : new Usage("/delete takes nothing after it: it deletes your last message in the current conversation."),
            "/react" => argument.Length == 0 || argument.Contains(' ') ? new Usage("/react needs one emoji, e.g. /react 👍.") : new React(argument),
            "/search" => new Search(argument),
            "/upload" => UploadOf(argument),
            "/create" => CreateOf(argument),
            "/invite" => OneUser("/invite", argument, user => new Invite(user)),
            "/kick" => OneUser("/kick", argument, user => new Kick(user)),
            "/ban" => Sanction("/ban", argument, least: 1, (user, minutes) => new Ban(user, minutes)),
            "/unban" => OneUser("/unban", argument, user => new Unban(user)),
            "/mute" => Sanction("/mute", argument, least: 0, (user, minutes) => new Mute(user, minutes)),
            "/topic" => new SetTopic(argument.Length == 0 ? null : argument),
            "/role" => RoleOf(argument),
            "/modlog" => argument.Length == 0 ? new ModerationLog() : new Usage("/modlog takes nothing after it: it shows the current room's latest moderation."),
            "/help" => new Help(),
            _ => new Text(line),
        };
    }
}
