namespace Chat.Client.Console;

/// <summary>
/// What the user sees of the chat: the client's stream of messages and changes (each once and in position order, in all
/// the user's conversations: <see cref="ChatClient.MessageReceived"/> and <see cref="ChatClient.MessageUpdated"/>), and the
/// pages <c>/go</c> and <c>/join</c> show; messages of the current conversation plain, the others with <c>#room</c> or
/// <c>@peer</c> before the sender (<see cref="MessageLines"/>). It remembers the recent messages as last seen, to tell
/// what a change changed and to find what <c>/reply</c>, <c>/edit</c>, <c>/delete</c> and <c>/react</c> act on.
/// </summary>
internal sealed class Transcript(TextWriter output, TimeProvider clock, NameColours? names = null)
{
    private readonly Lock _gate = new();

    /// <summary>The clock whose time zone the lines' times are in.</summary>
    public TimeProvider Clock => clock;

    /// <summary>The server the files of printed messages are at (their addresses are paths until it is known).</summary>
    public Uri? Server { get; set; }
    private readonly RecentMessages _recent = new();
    private long _lastSeenId;
    private string _current = Conversations.General;
    private long _newestShownInCurrent; // since it became current; 0: none

    // Messages of a room just joined, printed ahead of _lastSeenId: a later catch-up page brings them again.
    private readonly HashSet<long> _printedAhead = [];

    // One caller at a time may wait for a message to be printed (see PrintedAsync).
    private long _awaitedId;
    private TaskCompletionSource? _awaited;

    /// <summary>The conversation typed lines go to; its messages print without a prefix.</summary>
    public string Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }

        set
        {
            lock (_gate)
            {
                if (_current != value)
                {
                    (_current, _newestShownInCurrent) = (value, 0);
                }
            }
        }
    }

    /// <summary>
    /// The user is out of <paramref name="room"/> (left, kicked or banned): when it is current, <c>general</c> becomes current and a
    /// line says so. Checked and changed at once, so that the leave's answer and its event say it once.
    /// </summary>
    public void Left(string room)
    {
        lock (_gate)
        {
            if (_current == room)
            {
                (_current, _newestShownInCurrent) = (Conversations.General, 0);
                output.WriteLine($"* now in {Conversations.Display(Conversations.General)}");
            }
        }
    }

    /// <summary>The current conversation and the newest of its messages printed since it became current (0: none): what the user has read there.</summary>
    public (string Room, long NewestShown) CurrentRead
    {
        get
        {
            lock (_gate)
            {
                return (_current, _newestShownInCurrent);
            }
        }
    }

    /// <summary>The highest position (a message's id, or a change's version) printed from the client's stream.</summary>
    public long LastSeenId
    {
        get
        {
            lock (_gate)
            {
                return _lastSeenId;
            }
        }
    }

    /// <summary>Completes once position <paramref name="id"/> (a message, or a change), or a later one, has come through the stream.</summary>
    public Task PrintedAsync(long id)
    {
        lock (_gate)
        {
            if (_lastSeenId >= id)
            {
                return Task.CompletedTask;
            }

            _awaitedId = id;
            _awaited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _awaited.Task;
        }
    }

    /// <summary>A new message of the client's stream: printed, unless a join printed it already.</summary>
    public void Live(ChatMessage message)
    {
        lock (_gate)
        {
            if (!Advance(message))
            {
                return;
            }

            if (_printedAhead.Count == 0 || !_printedAhead.Remove(message.Id))
            {
                Print(message);
            }
            else if (message.Room == _current)
            {
                _newestShownInCurrent = message.Id;
            }

            if (_printedAhead.Count > 0)
            {
                _printedAhead.RemoveWhere(id => id <= _lastSeenId);
            }

            Notify();
        }
    }

    /// <summary>
    /// A change of the client's stream (a message's new state): what changed since the state last seen, a line each
    /// (<see cref="MessageLines.Changes"/>). A message never shown here (changed before it arrived, or too old to be
    /// remembered) is printed as the message it now is, unless it is deleted.
    /// </summary>
    public void Updated(ChatMessage message)
    {
        lock (_gate)
        {
            if (!Advance(message))
            {
                return;
            }

            _printedAhead.RemoveWhere(id => id <= _lastSeenId); // the stream is past them: it brings none of them now

            if (_recent.Find(message.Room, message.Id) is { Shown: true } seen)
            {
                if (message.Position() > seen.Message.Position())
                {
                    foreach (var line in MessageLines.Changes(seen.Message, message, _current, names))
                    {
                        output.WriteLine(line);
                    }

                    _recent.Remember(message, shown: true);
                }
            }
            else if (!message.Deleted)
            {
                Print(message);
            }

            Notify();
        }
    }

    /// <summary>
    /// A conversation's recent messages, shown again in their current state when it becomes current. Only those up to
    /// <see cref="LastSeenId"/>, and those a join printed ahead of it: other newer ones are on their way live or in a
    /// catch-up page, and print there, once. A change they show is not printed again when the stream brings it.
    /// </summary>
    public void Recent(IEnumerable<ChatMessage> page)
    {
        lock (_gate)
        {
            foreach (var message in page.Where(m => m.Id <= _lastSeenId || _printedAhead.Contains(m.Id)).OrderBy(m => m.Id))
            {
                Print(message, read: false);
            }
        }
    }

    /// <summary>
    /// The recent messages of a room just joined, which no live message or catch-up brought: all printed. Those
    /// newer than <see cref="LastSeenId"/> do not move it (messages of other conversations before them may still be
    /// on their way); they are remembered instead, so that a catch-up page that brings them does not print them again.
    /// </summary>
    public void Joined(IEnumerable<ChatMessage> page)
    {
        lock (_gate)
        {
            foreach (var message in page.OrderBy(m => m.Id))
            {
                if (message.Id > _lastSeenId && !_printedAhead.Add(message.Id))
                {
                    continue;
                }

                Print(message, read: false);
            }
        }
    }

    /// <summary>A message this client sent, as the server acked it: what <c>/edit</c> and <c>/reply</c> act on, before its line shows.</summary>
    public void Sent(ChatMessage message)
    {
        lock (_gate)
        {
            _recent.Remember(message, shown: false);
        }
    }

    /// <summary>The newest message of <paramref name="room"/> known here that is not deleted, from <paramref name="user"/> when given; null if none.</summary>
    public ChatMessage? LastMessage(string room, string? user = null)
    {
        lock (_gate)
        {
            return _recent.Last(room, m => !m.Deleted && (user is null || m.User == user));
        }
    }

    /// <summary>The state of message <paramref name="id"/> of <paramref name="room"/> last seen here, or null.</summary>
    public ChatMessage? Find(string room, long id)
    {
        lock (_gate)
        {
            return _recent.Find(room, id)?.Message;
        }
    }

    /// <summary>A conversation's history was cleared: says so with <paramref name="line"/>, and its messages are forgotten.</summary>
    public void Cleared(string room, string line)
    {
        lock (_gate)
        {
            _recent.Forget(room);
            output.WriteLine(line);
        }
    }

    /// <summary>
    /// What a search for <paramref name="query"/> found: a line that says how many, then each hit as its message line, naming
    /// its conversation, matched words marked. Hits are not the stream: they are neither remembered nor read.
    /// </summary>
    public void Found(string query, IReadOnlyCollection<SearchHit> hits)
    {
        lock (_gate)
        {
            output.WriteLine(MessageLines.Matches(query, hits.Count));
            foreach (var hit in hits)
            {
                output.WriteLine(MessageLines.Found(hit, clock, id => _recent.Find(hit.Message.Room, id)?.Message, names, Server));
            }
        }
    }

    /// <summary>A line that is not a message: presence, notices, connection state, errors.</summary>
    public void Line(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
        }
    }

    /// <summary>Moves the last seen position to <paramref name="message"/>'s; false when the stream brought it already.</summary>
    private bool Advance(ChatMessage message)
    {
        var position = message.Position();
        if (position <= _lastSeenId)
        {
            return false;
        }

        _lastSeenId = position;
        return true;
    }

    /// <summary>Completes the wait of <see cref="PrintedAsync"/> once what it waits for has come and been printed.</summary>
    private void Notify()
    {
        if (_awaited is not null && _lastSeenId >= _awaitedId)
        {
            _awaited.TrySetResult();
            _awaited = null;
        }
    }

    /// <summary>Prints a message as it now is and remembers it; <paramref name="read"/>: it counts as read where it is current.</summary>
    private void Print(ChatMessage message, bool read = true)
    {
        output.WriteLine(MessageLines.Message(message, clock, _current, id => _recent.Find(message.Room, id)?.Message, names, Server));
        _recent.Remember(message, shown: true);
        if (read && message.Room == _current)
        {
            _newestShownInCurrent = Math.Max(_newestShownInCurrent, message.Id);
        }
    }
}
