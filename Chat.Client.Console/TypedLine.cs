namespace Chat.Client.Console;

/// <summary>
/// What a line typed at the prompt asks for: one of the client's own commands (conversations, replies, edits, deletes,
/// reactions and searches), or text (a message, or a server command such as <c>/who</c>) for the current conversation.
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
            "/help" => new Help(),
            _ => new Text(line),
        };
    }
}
