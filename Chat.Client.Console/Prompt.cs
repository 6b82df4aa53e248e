namespace Chat.Client.Console;

/// <summary>
/// Carries out what is typed at the prompt: text goes to the current conversation (again after a reconnect when
/// the connection dropped under it), and <c>/join</c>, <c>/leave</c>, <c>/rooms</c>, <c>/go</c>, <c>/msg</c>, <c>/reply</c>,
/// <c>/edit</c>, <c>/delete</c>, <c>/react</c>, <c>/search</c>, <c>/upload</c>, <c>/help</c>, and the moderation commands <c>/create</c>, <c>/invite</c>,
/// <c>/kick</c>, <c>/ban</c>, <c>/unban</c>, <c>/mute</c>, <c>/topic</c>, <c>/role</c> and <c>/modlog</c> are run here (all but <c>/create</c> on the current
/// room, refused here in <c>general</c> and a direct conversation). Messages printed in the current conversation count as read: its
/// marker moves on <c>/rooms</c> and when another becomes current.
/// </summary>
/// <param name="user">The user's name, to find their own messages; null until the server acks a send (signed in without <c>--user</c>).</param>
/// <param name="rooms">The rooms' topics and roles as known here: what <c>/rooms</c>, <c>/join</c> and <c>/create</c> learn goes there.</param>
internal sealed class Prompt(ChatClient client, Transcript transcript, Uri server, string? user, RoomStates rooms)
{
    /// <summary>How many acts <c>/modlog</c> shows, newest first.</summary>
    public const int ModerationLogLimit = 20;

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
        "  /create NAME [--private] [TOPIC]  create a room (public unless --private) and make it current",
        "  Moderating the current room (owners and moderators; quote a name with spaces: \"ann lee\"):",
        "  /invite USER    let a user join (a private room needs it)",
        "  /kick USER      take a member out; they may join again",
        "  /ban USER [MINUTES]   take a user out and keep them out (no minutes: until lifted)",
        "  /unban USER     lift a ban",
        "  /mute USER [MINUTES]  keep a user from posting (no minutes: until lifted; 0 lifts it)",
        "  /topic [TEXT]   set the room's topic (owners; nothing clears it)",
        "  /role USER ROLE give a member a role: owner, moderator or member (owners)",
        "  /modlog         the room's latest moderation, newest first",
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
                case TypedLine.Create create:
                    await CreateAsync(create, cancellationToken);
                    break;
                case TypedLine.Invite invite:
                    await ModerateAsync("/invite", room => client.Hub.InviteToRoom(room, invite.User), room => $"* invited {invite.User} to {room}", cancellationToken);
                    break;
                case TypedLine.Kick kick:
                    await ModerateAsync("/kick", room => client.Hub.KickFromRoom(room, kick.User), room => $"* removed {kick.User} from {room}", cancellationToken);
                    break;
                case TypedLine.Ban ban:
                    await ModerateAsync(
                        "/ban", room => client.Hub.BanFromRoom(room, ban.User, ban.Minutes), room => $"* banned {ban.User} from {room} {For(ban.Minutes)}", cancellationToken);
                    break;
                case TypedLine.Unban unban:
                    await ModerateAsync("/unban", room => client.Hub.UnbanFromRoom(room, unban.User), room => $"* lifted the ban of {unban.User} from {room}", cancellationToken);
                    break;
                case TypedLine.Mute mute:
                    await ModerateAsync(
                        "/mute",
                        room => client.Hub.MuteInRoom(room, mute.User, mute.Minutes),
                        room => mute.Minutes == 0 ? $"* lifted the mute of {mute.User} in {room}" : $"* muted {mute.User} in {room} {For(mute.Minutes)}",
                        cancellationToken);
                    break;
                case TypedLine.SetTopic topic:
                    // Every member's RoomChanged, this user's included, says what the topic now is.
                    await ModerateAsync("/topic", room => client.Hub.SetRoomTopic(room, topic.Value), confirmation: null, cancellationToken);
                    break;
                case TypedLine.Role role:
                    await ModerateAsync(
                        "/role", room => client.Hub.SetRoomRole(room, role.User, role.Name), room => $"* {role.User} is now {role.Name} in {room}", cancellationToken);
                    break;
                case TypedLine.ModerationLog:
                    await ModerationLogAsync(cancellationToken);
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

    /// <summary>Creates the room, the user its owner and only member, and makes it current.</summary>
    private async Task CreateAsync(TypedLine.Create create, CancellationToken cancellationToken)
    {
        var created = await client.Hub.CreateRoom(create.Room, new RoomSettings(create.Private, create.Topic)).WaitAsync(cancellationToken);
        rooms.Know(created);
        await MakeCurrentAsync(created.Room, transcript.Joined, cancellationToken);
    }

    /// <summary>
    /// Runs a moderation act on the current room, then prints <paramref name="confirmation"/> of the room's name, if any. In
    /// <c>general</c> or a direct conversation, which have no moderation, it says so and asks nothing of the server.
    /// </summary>
    private async Task ModerateAsync(string command, Func<string, Task> act, Func<string, string>? confirmation, CancellationToken cancellationToken)
    {
        if (CurrentRoom(command) is not { } room)
        {
            return;
        }

        await act(room).WaitAsync(cancellationToken);
        if (confirmation is not null)
        {
            transcript.Line(MessageLines.Printable(confirmation(Conversations.Display(room))));
        }
    }

    /// <summary>The current room's newest moderation acts, newest first, a line each.</summary>
    private async Task ModerationLogAsync(CancellationToken cancellationToken)
    {
        if (CurrentRoom("/modlog") is not { } room)
        {
            return;
        }

        var entries = await client.Hub.GetModerationLog(room, beforeId: null, ModerationLogLimit).WaitAsync(cancellationToken);
        transcript.Line(entries.Length == 0
            ? $"* Nothing has been moderated in {Conversations.Display(room)} yet."
            : $"* Moderation of {Conversations.Display(room)}, newest first:");
        foreach (var entry in entries)
        {
            transcript.Line(RoomStates.Logged(entry, clock: transcript.Clock));
        }
    }

    /// <summary>The current conversation when it is a room other than <c>general</c>; otherwise says that <paramref name="command"/> needs one, and null.</summary>
    private string? CurrentRoom(string command)
    {
        var room = transcript.Current;
        if (room == Conversations.General)
        {
            Refuse($"{command} acts on the current room, and #general is everyone's: it has no owners, topic or moderation. /go to one of your rooms first.");
            return null;
        }

        if (Conversations.IsDirect(room))
        {
            Refuse($"{command} acts on the current room, and {room} is a direct conversation: it has no roles or moderation. /go to one of your rooms first.");
            return null;
        }

        return room;
    }

    /// <summary>How long a ban or mute lasts, as a confirmation says it.</summary>
    private static string For(int? minutes) => minutes switch
    {
        null => "until lifted",
        1 => "for 1 minute",
        _ => $"for {minutes} minutes",
    };

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
        rooms.Know(joined);
        await MakeCurrentAsync(joined.Room, transcript.Joined, cancellationToken);
    }

    private async Task LeaveAsync(string room, CancellationToken cancellationToken)
    {
        // The server's UserLeftRoom says it left; this only says where typing goes now, when that changed.
        await client.Hub.LeaveRoom(room).WaitAsync(cancellationToken);
        transcript.Left(room);
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        await MarkShownReadAsync(cancellationToken);
        var current = transcript.Current;
        var listed = await client.Hub.GetRooms().WaitAsync(cancellationToken);
        rooms.Know(listed);
        foreach (var room in listed)
        {
            transcript.Line(RoomStates.Listed(room, current: room.Room == current));
        }

        if (!listed.Any(room => room.Room == current))
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
