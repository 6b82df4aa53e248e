namespace Chat.Client.Console;

/// <summary>
/// Carries out what is typed at the prompt: text goes to the current conversation (again after a reconnect when
/// the connection dropped under it), and <c>/join</c>, <c>/leave</c>, <c>/rooms</c>, <c>/go</c>, <c>/msg</c>, <c>/reply</c>,
/// <c>/edit</c>, <c>/delete</c>, <c>/react</c>, <c>/search</c>, <c>/upload</c> and <c>/help</c> are run here. Messages printed in the current conversation
/// count as read: its marker moves on <c>/rooms</c> and when another becomes current.
/// </summary>
/// <param name="user">The user's name, to find their own messages; null until the server acks a send (signed in without <c>--user</c>).</param>
internal sealed class Prompt(ChatClient client, Transcript transcript, Uri server, string? user)
{
    /// <summary>How many recent messages <c>/go</c> and <c>/join</c> show of the conversation they make current.</summary>
    public const int GoHistory = 20;

    /// <summary>How many hits <c>/search</c> shows, newest first.</summary>
    public const int SearchLimit = 20;

    private static readonly string[] Commands =
    [
        "  /join NAME      join a room and make it current",
        "  /leave NAME     leave a room",
        "  /rooms          your conversations, with unread messages",
        "  /go NAME        make a joined room, general or @user current",
        "  /msg USER TEXT  send a direct message",
        "  /reply TEXT     answer the last message here",
        "  /edit TEXT      replace the text of your last message here",
        "  /delete         delete your last message here",
        "  /react EMOJI    react to the last message here (e.g. /react 👍)",
        "  /search QUERY   find messages in all your conversations (words, \"a phrase\", from:NAME, in:#room)",
        "  /upload PATH [TEXT]  send a file here, with a message if you like",
    ];

    private string? _user = user;

    /// <summary>The highest id the server acked for this client's sends.</summary>
    public long LastSentId { get; private set; }

    /// <summary>Runs one typed line; a refusal or failure is printed as an <c>error:</c> line and the prompt goes on.</summary>
    public async Task RunAsync(string line, CancellationToken cancellationToken)
    {
        try
        {
            switch (TypedLine.Parse(line))
            {
                case TypedLine.Text text:
                    await SendAsync(transcript.Current, text.Value, cancellationToken);
                    break;
                case TypedLine.DirectMessage direct:
                    await SendAsync(direct.Room, direct.Value, cancellationToken);
                    break;
                case TypedLine.Join join:
                    await JoinAsync(join.Room, cancellationToken);
                    break;
                case TypedLine.Leave leave:
                    await LeaveAsync(leave.Room, cancellationToken);
                    break;
                case TypedLine.Rooms:
                    await ListAsync(cancellationToken);
                    break;
                case TypedLine.Go go:
                    await GoAsync(go.Room, cancellationToken);
                    break;
                case TypedLine.Reply reply:
                    await ReplyAsync(reply.Value, cancellationToken);
                    break;
                case TypedLine.Edit edit:
                    await EditAsync(edit.Value, cancellationToken);
                    break;
                case TypedLine.Delete:
                    await DeleteAsync(cancellationToken);
                    break;
                case TypedLine.React react:
                    await ReactAsync(react.Emoji, cancellationToken);
                    break;
                case TypedLine.Search search:
                    transcript.Found(search.Query, await client.SearchAsync(search.Query, room: null, SearchLimit, cancellationToken));
                    break;
                case TypedLine.Upload upload:
                    await UploadAsync(upload.Path, upload.Value, cancellationToken);
                    break;
                case TypedLine.Help:
                    await HelpAsync(cancellationToken);
                    break;
                case TypedLine.Usage usage:
                    transcript.Line($"error: {usage.Message}");
                    break;
            }
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested)
        {
            transcript.Line($"error: {ErrorText.Describe(error, server)}");
        }
    }

    /// <summary>
    /// Sends with a new client message id; a send cut by a drop goes again once reconnected (<see cref="ChatClient.SendAsync(string, string, CancellationToken)"/>).
    /// The message itself shows when the client's stream brings it, in order with everyone else's.
    /// </summary>
    private async Task SendAsync(string room, string text, CancellationToken cancellationToken)
    {
        Acked(await client.SendAsync(room, text, cancellationToken));
    }

    /// <summary>Uploads a file (<c>~</c> is the home folder) and sends it to the current conversation with <paramref name="text"/>.</summary>
    private async Task UploadAsync(string path, string text, CancellationToken cancellationToken)
    {
        var full = path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..]) : path;
        if (!File.Exists(full))
        {
            Refuse($"There is no file at {path}.");
            return;
        }

        var file = await client.UploadAsync(full, cancellationToken: cancellationToken);
        Acked(await client.SendAsync(transcript.Current, text, [file], cancellationToken));
    }

    /// <summary>Answers the last message of the current conversation (<c>Post</c> with <c>replyTo</c>).</summary>
    private async Task ReplyAsync(string text, CancellationToken cancellationToken)
    {
        var room = transcript.Current;
        if (transcript.LastMessage(room) is not { } answered)
        {
            Refuse($"There is no message in {Conversations.Display(room)} to reply to.");
            return;
        }

        Acked(await client.ReplyAsync(room, answered.Id, text, cancellationToken));
    }

    /// <summary>Replaces the text of the user's last message in the current conversation; the change shows when the stream brings it.</summary>
    private async Task EditAsync(string text, CancellationToken cancellationToken)
    {
        var room = transcript.Current;
        if (OwnLast(room) is not { } own)
        {
            Refuse($"There is no message of yours in {Conversations.Display(room)} to edit.");
            return;
        }

        var edited = await client.Hub.EditMessage(room, own.Id, text).WaitAsync(cancellationToken);
        if (edited.Position() <= own.Position())
        {
            transcript.Line("* Nothing to change: your last message already says that.");
        }

        LastSentId = Math.Max(LastSentId, edited.Position());
    }

    private async Task DeleteAsync(CancellationToken cancellationToken)
    {
        var room = transcript.Current;
        if (OwnLast(room) is not { } own)
        {
            Refuse($"There is no message of yours in {Conversations.Display(room)} to delete.");
            return;
        }

        await client.Hub.DeleteMessage(room, own.Id).WaitAsync(cancellationToken);
    }

    private async Task ReactAsync(string emoji, CancellationToken cancellationToken)
    {
        var room = transcript.Current;
        if (transcript.LastMessage(room) is not { } target)
        {
            Refuse($"There is no message in {Conversations.Display(room)} to react to.");
            return;
        }

        await client.Hub.AddReaction(room, target.Id, emoji).WaitAsync(cancellationToken);
        if (_user is not null && (target.Reactions ?? []).Any(r => r.Emoji == emoji && r.Users.Contains(_user)))
        {
            transcript.Line($"* You had already reacted {emoji} to that message.");
        }
    }

    /// <summary>The console's own commands, then the server's (its <c>/help</c> notice).</summary>
    private async Task HelpAsync(CancellationToken cancellationToken)
    {
        transcript.Line($"* Commands of this console (\"here\" is the current conversation, {Conversations.Display(transcript.Current)}):");
        foreach (var line in Commands)
        {
            transcript.Line("*" + line);
        }

        await SendAsync(transcript.Current, "/help", cancellationToken);
    }

    /// <summary>The user's own last message in <paramref name="room"/> that is not deleted, as last seen.</summary>
    private ChatMessage? OwnLast(string room) => _user is null ? null : transcript.LastMessage(room, _user);

    /// <summary>A stored message this client sent: remembered for /edit and /reply, and awaited at end of input.</summary>
    private void Acked(ChatMessage? stored)
    {
        if (stored is null)
        {
            return; // a command
        }

        _user = stored.User;
        LastSentId = Math.Max(LastSentId, stored.Id);
        transcript.Sent(stored);
    }

    private void Refuse(string sentence) => transcript.Line($"error: {sentence}");

    /// <summary>Messages printed in the current conversation have been read there: moves its read marker to the newest, if any.</summary>
    private async Task MarkShownReadAsync(CancellationToken cancellationToken)
    {
        if (transcript.CurrentRead is { NewestShown: > 0 } read)
        {
            await client.Hub.MarkRead(read.Room, read.NewestShown).WaitAsync(cancellationToken);
        }
    }

    /// <summary>Joins, then makes the room current with its recent messages, which no delivery brought here before.</summary>
    private async Task JoinAsync(string room, CancellationToken cancellationToken)
    {
        var joined = await client.Hub.JoinRoom(room).WaitAsync(cancellationToken);
        await MakeCurrentAsync(joined.Room, transcript.Joined, cancellationToken);
    }

    private async Task LeaveAsync(string room, CancellationToken cancellationToken)
    {
        // The server's UserLeftRoom says it left; this only says where typing goes now, when that changed.
        await client.Hub.LeaveRoom(room).WaitAsync(cancellationToken);
        if (transcript.Current == room)
        {
            transcript.Current = Conversations.General;
            transcript.Line($"* now in {Conversations.Display(Conversations.General)}");
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        await MarkShownReadAsync(cancellationToken);
        var current = transcript.Current;
        var rooms = await client.Hub.GetRooms().WaitAsync(cancellationToken);
        foreach (var room in rooms)
        {
            transcript.Line($"* {Conversations.Display(room.Room)}: {room.Unread} unread{(room.Room == current ? " (current)" : "")}");
        }

        if (!rooms.Any(room => room.Room == current))
        {
            // A direct conversation with no message yet is not listed by the server.
            transcript.Line($"* {Conversations.Display(current)}: 0 unread (current)");
        }
    }

    private Task GoAsync(string room, CancellationToken cancellationToken) => MakeCurrentAsync(room, transcript.Recent, cancellationToken);

    /// <summary>
    /// Reads the conversation's recent messages first, so a room the user is not in is refused and nothing changes;
    /// then makes it current, prints them with <paramref name="print"/> and marks them read.
    /// </summary>
    private async Task MakeCurrentAsync(string room, Action<IEnumerable<ChatMessage>> print, CancellationToken cancellationToken)
    {
        var recent = await client.Hub.GetRoomHistory(room, afterId: null, GoHistory).WaitAsync(cancellationToken);
        await MarkShownReadAsync(cancellationToken);
        transcript.Current = room;
        transcript.Line($"* now in {Conversations.Display(room)}");
        print(recent);
        if (recent.Length > 0)
        {
            await client.Hub.MarkRead(room, recent[^1].Id).WaitAsync(cancellationToken);
        }
    }
}
